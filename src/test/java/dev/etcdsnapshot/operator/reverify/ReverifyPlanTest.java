package dev.etcdsnapshot.operator.reverify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.storage.StorageKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReverifyPlanTest {

  static final Instant NOW = Instant.parse("2026-06-10T12:00:00Z");
  static final Duration DAY = Duration.ofHours(24);

  static ReverifyPlan.Copy copy(String name, Instant created, Instant verified, Instant tried) {
    return new ReverifyPlan.Copy(name, StorageKind.LOCAL, created, Optional.ofNullable(verified),
        Optional.ofNullable(tried), verified != null);
  }

  static List<String> names(List<ReverifyPlan.Copy> copies) {
    return copies.stream().map(ReverifyPlan.Copy::name).toList();
  }

  @Test
  void dueCopiesComeOldestVerifiedFirstAndBounded() {
    List<ReverifyPlan.Copy> copies = List.of(
        copy("fresh", NOW.minus(Duration.ofDays(9)), NOW.minusSeconds(3600), null),
        copy("two-days", NOW.minus(Duration.ofDays(9)), NOW.minus(Duration.ofDays(2)), null),
        copy("five-days", NOW.minus(Duration.ofDays(9)), NOW.minus(Duration.ofDays(5)), null),
        copy("never-proven", NOW.minus(Duration.ofDays(3)), null, null),
        copy("exactly-one-interval", NOW.minus(Duration.ofDays(9)), NOW.minus(DAY), null));

    assertThat(names(ReverifyPlan.next(copies, NOW, DAY, 10)))
        .containsExactly("five-days", "never-proven", "two-days", "exactly-one-interval");
    assertThat(names(ReverifyPlan.next(copies, NOW, DAY, 2))).containsExactly("five-days", "never-proven");
  }

  @Test
  void aCopyTriedThisIntervalWaitsEvenIfItCouldNotBeProven() {
    // It failed (or could not be read) an hour ago: its verified-at is old, but the others go first.
    List<ReverifyPlan.Copy> copies = List.of(
        copy("failing", NOW.minus(Duration.ofDays(9)), NOW.minus(Duration.ofDays(8)), NOW.minusSeconds(3600)),
        copy("due", NOW.minus(Duration.ofDays(9)), NOW.minus(Duration.ofDays(2)), null));

    assertThat(names(ReverifyPlan.next(copies, NOW, DAY, 10))).containsExactly("due");
  }

  @Test
  void aZeroIntervalDisablesIt() {
    List<ReverifyPlan.Copy> copies = List.of(copy("old", Instant.EPOCH, null, null));

    assertThat(ReverifyPlan.enabled(Duration.ZERO)).isFalse();
    assertThat(ReverifyPlan.next(copies, NOW, Duration.ZERO, 10)).isEmpty();
    assertThat(ReverifyPlan.next(copies, NOW, DAY, 0)).isEmpty();
    assertThat(ReverifyPlan.next(copies, NOW, DAY, 1)).hasSize(1);
  }

  @Test
  void roundsTickAtATenthOfTheIntervalBetweenAMinuteAndAnHour() {
    assertThat(Reverification.tick(DAY)).isEqualTo(Duration.ofHours(1));
    assertThat(Reverification.tick(Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(12));
    assertThat(Reverification.tick(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(1));
    assertThat(Reverification.tick(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(20));
  }
}
