package dev.etcdsnapshot.operator.reverify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.etcdsnapshot.engine.NodeLock;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.operator.inventory.SnapshotData;
import dev.etcdsnapshot.storage.SnapshotDirectory;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When re-verification looks at copies: not during a save of the node, not when switched off, on its tick. */
class ReverifyTimingTest {

  @TempDir
  Path dir;

  @Test
  void aLocalCopyIsSkippedWhileASaveOfTheNodeHoldsItsLockAndReadInPlaceOnceItEnds() throws Exception {
    String file = "etcd-snapshot-node-a-1780300000";
    Files.write(dir.resolve(file), new byte[] {1, 2, 3});
    LocalSnapshotStore local = new LocalSnapshotStore(dir, false, "node-a", SnapshotNames::parseTimestamp);
    LocalCopies copies = new LocalCopies(local);
    SnapshotData data = new SnapshotData(StorageKind.LOCAL, file, dir.resolve(file).toUri().toString(), "node-a",
        null);
    List<Path> checked = new ArrayList<>();
    ReverifyVerdict ok = ReverifyVerdict.notChecked("checked");

    try (SnapshotDirectory.Lock save = NodeLock.acquire(local)) {
      ReverifyVerdict skipped = copies.read(data, p -> {
        checked.add(p);
        return ok;
      });
      assertThat(skipped.outcome()).isEqualTo(ReverifyVerdict.Outcome.NOT_CHECKED);
      assertThat(skipped.failed()).isFalse();
      assertThat(skipped.message()).isEqualTo(
          "not re-verified: a snapshot of node node-a is being saved; it is tried again next round");
    }
    assertThat(checked).as("nothing is read while the save runs").isEmpty();

    assertThat(copies.read(data, p -> {
      checked.add(p);
      return ok;
    })).isSameAs(ok);
    assertThat(checked).containsExactly(dir.resolve(file).toAbsolutePath().normalize());

    Files.delete(dir.resolve(file));
    ReverifyVerdict gone = copies.read(data, p -> ok);
    assertThat(gone.failed()).as("a file gone is the sync's business, not a content failure").isFalse();
    assertThat(gone.message()).startsWith("not re-verified: " + file + " is no longer in ");
  }

  @Test
  void anIntervalOfZeroStartsNoTimerAndAnInactiveDutyRunsNoRound() {
    List<ScheduledExecutorService> timers = new ArrayList<>();
    Reverification.timer("off", () -> { }, () -> true, Duration.ZERO, timers);
    assertThat(timers).as("--reverify-interval 0 switches it off").isEmpty();

    AtomicInteger leaderRounds = new AtomicInteger();
    AtomicInteger agentRounds = new AtomicInteger();
    AtomicBoolean leading = new AtomicBoolean(false);
    Reverification.timer("leader", leaderRounds::incrementAndGet, leading::get, Duration.ofMillis(50), timers);
    Reverification.timer("agent", agentRounds::incrementAndGet, () -> true, Duration.ofMillis(50), timers);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> agentRounds.get() >= 3);
      assertThat(leaderRounds.get()).as("rounds ticked for the agent, none for a pod that does not lead")
          .isZero();
      leading.set(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> leaderRounds.get() >= 1);
    } finally {
      timers.forEach(ScheduledExecutorService::shutdownNow);
    }
  }

  @Test
  void aRoundLooksForDueCopiesATenthOfTheIntervalApartBetweenAMinuteAndAnHour() {
    assertThat(Reverification.tick(Duration.ofHours(24))).isEqualTo(Duration.ofHours(1));
    assertThat(Reverification.tick(Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(12));
    assertThat(Reverification.tick(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(1));
    assertThat(Reverification.tick(Duration.ofSeconds(30))).as("an interval under a minute is its own tick")
        .isEqualTo(Duration.ofSeconds(30));
  }

}
