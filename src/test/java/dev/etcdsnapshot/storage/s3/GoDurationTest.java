package dev.etcdsnapshot.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  @ParameterizedTest
  @CsvSource({
    "5m, PT5M",
    "30s, PT30S",
    "1h30m, PT1H30M",
    "500ms, PT0.5S",
    "1.5h, PT1H30M",
    "2h45m30.5s, PT2H45M30.5S",
    "0, PT0S",
    "0s, PT0S",
    "1us, PT0.000001S",
    "1µs, PT0.000001S",
    "1μs, PT0.000001S",
    "7ns, PT0.000000007S",
    ".5s, PT0.5S",
    "1.s, PT1S",
    "-1m, PT-1M",
    "+10s, PT10S",
    "5m0s, PT5M",
    "1h1h, PT2H",
  })
  void parsesGoSyntax(String text, Duration expected) {
    assertThat(GoDuration.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5 m", "5min", "1d", "m", "1.2.3s", "", "-", ".s", "PT5M", "5m junk"})
  void refusesWhatGoRefuses(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("(is|has) .*");
  }

  @org.junit.jupiter.api.Test
  void neverRepeatsTheInput() {
    assertThatThrownBy(() -> GoDuration.parse("9hunter2")).hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> GoDuration.parse("hunter2")).hasMessageNotContaining("hunter2");
  }

  @ParameterizedTest
  @CsvSource({"PT5M, 5m0s", "PT1H30M, 1h30m0s", "PT0.5S, 500ms", "PT0S, 0s", "PT30S, 30s", "PT1.5S, 1.5s",
      "PT0.000001S, 1µs", "PT-1M, -1m0s"})
  void formatsLikeGo(Duration d, String expected) {
    assertThat(GoDuration.format(d)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"5m", "1h30m", "500ms", "2h45m30.5s", "1µs"})
  void formatThenParseIsIdentity(String text) {
    Duration d = GoDuration.parse(text);
    assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
  }

  @org.junit.jupiter.api.Test
  void refusesDurationsGoCannotHold() {
    assertThatThrownBy(() -> GoDuration.parse("3000000h")).hasMessageContaining("out of range");
  }
}
