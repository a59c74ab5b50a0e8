package dev.etcdsnapshot.storage.s3;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;

/**
 * Go's {@code time.ParseDuration} syntax ({@code 5m}, {@code 30s}, {@code 1h30m}, {@code 1.5h}, {@code 500ms}),
 * because k3s settings such as {@code etcd-s3-timeout} are written in it and users copy them unchanged.
 * Units: {@code ns}, {@code us} ({@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}; a bare {@code 0} is
 * allowed; days are not (Go has none).
 */
public final class GoDuration {

  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  private GoDuration() {}

  /**
   * Parses a Go duration.
   *
   * @throws IllegalArgumentException with a message that describes the syntax but does not repeat the input,
   *     so callers can prefix the setting's name without risking an echo of anything sensitive
   */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("is empty; expected a duration such as 30s, 5m or 1h30m");
    }
    int i = 0;
    boolean negative = false;
    if (text.charAt(0) == '-' || text.charAt(0) == '+') {
      negative = text.charAt(0) == '-';
      i++;
    }
    if (text.substring(i).equals("0")) {
      return Duration.ZERO;
    }
    if (i == text.length()) {
      throw invalid();
    }
    BigDecimal total = BigDecimal.ZERO;
    while (i < text.length()) {
      int numberStart = i;
      while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
        i++;
      }
      String number = text.substring(numberStart, i);
      int unitStart = i;
      while (i < text.length() && !Character.isDigit(text.charAt(i)) && text.charAt(i) != '.') {
        i++;
      }
      String unit = text.substring(unitStart, i);
      total = total.add(component(number).multiply(BigDecimal.valueOf(nanosPer(unit))));
    }
    BigInteger nanos = total.toBigInteger();
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw new IllegalArgumentException("is out of range (the maximum is about 2562047h)");
    }
    long n = nanos.longValueExact();
    return Duration.ofNanos(negative ? -n : n);
  }

  /** Formats like Go's {@code Duration.String()}: {@code 5m0s}, {@code 1h30m0s}, {@code 500ms}, {@code 0s}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long nanos = d.toNanos();
    if (nanos < 1_000L) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000L) {
      return decimal(nanos, 1_000L) + "µs";
    }
    if (nanos < 1_000_000_000L) {
      return decimal(nanos, 1_000_000L) + "ms";
    }
    long hours = d.toHours();
    long minutes = d.toMinutesPart();
    String seconds = decimal(nanos % 60_000_000_000L, 1_000_000_000L) + "s";
    if (hours > 0) {
      return hours + "h" + minutes + "m" + seconds;
    }
    return minutes > 0 ? minutes + "m" + seconds : seconds;
  }

  private static BigDecimal component(String number) {
    if (number.isEmpty() || number.equals(".")) {
      throw invalid();
    }
    try {
      return new BigDecimal(number.endsWith(".") ? number + "0" : number.startsWith(".") ? "0" + number : number);
    } catch (NumberFormatException e) {
      throw invalid();
    }
  }

  private static long nanosPer(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "µs": // U+00B5 micro sign
      case "μs": // U+03BC Greek mu
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      case "":
        throw new IllegalArgumentException("is missing a unit; expected one of ns, us, ms, s, m, h (e.g. 30s, 5m)");
      default:
        throw new IllegalArgumentException("has an unknown unit; expected one of ns, us, ms, s, m, h (e.g. 30s, 5m)");
    }
  }

  private static String decimal(long value, long unit) {
    return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
  }

  private static IllegalArgumentException invalid() {
    return new IllegalArgumentException("is not a duration; expected a Go duration such as 30s, 5m or 1h30m");
  }
}
