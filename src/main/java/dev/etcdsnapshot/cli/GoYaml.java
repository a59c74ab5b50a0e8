package dev.etcdsnapshot.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * YAML as sigs.k8s.io/yaml writes a Go value (k3s's {@code ls -o yaml}): the value goes through JSON into go-yaml
 * v2, so map keys come out sorted, block style, two-space indent, sequences not indented under their key, and a
 * string is double-quoted exactly when go-yaml would otherwise read it back as another type (a number, boolean,
 * null or timestamp) or it cannot be plain (empty, leading or trailing space, indicators, {@code : } or {@code  #}).
 */
final class GoYaml {

  /** What YAML 1.1 (go-yaml v2) resolves to a non-string: booleans, null, numbers, base-60, timestamps. */
  private static final Pattern NOT_A_STRING = Pattern.compile(
      "(?i:y|yes|n|no|true|false|on|off|null|~)"
          + "|[-+]?(0|[1-9][0-9_]*)|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+"
          + "|[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
          + "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"
          + "|\\d{4}-\\d\\d?-\\d\\d?([Tt ].*)?");
  private static final String INDICATORS = "-?:,[]{}#&*!|>'\"%@`";

  private GoYaml() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    if (value instanceof Map<?, ?> m && !m.isEmpty() || value instanceof List<?> l && !l.isEmpty()) {
      block(out, value, 0);
    } else {
      out.append(scalar(value)).append('\n');
    }
    return out.toString();
  }

  private static void block(StringBuilder out, Object value, int indent) {
    String pad = " ".repeat(indent);
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<String, Object> e : sorted(map).entrySet()) {
        out.append(pad).append(scalar(e.getKey())).append(':');
        child(out, e.getValue(), indent, false);
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        out.append(pad).append('-');
        if (item instanceof Map<?, ?> m && !m.isEmpty()) {
          // The first key goes on the dash's line, the others under it.
          StringBuilder nested = new StringBuilder();
          block(nested, item, indent + 2);
          out.append(' ').append(nested.substring(indent + 2));
        } else {
          child(out, item, indent, true);
        }
      }
    }
  }

  private static void child(StringBuilder out, Object value, int indent, boolean inList) {
    if (value instanceof Map<?, ?> m && !m.isEmpty()) {
      out.append('\n');
      block(out, value, indent + 2);
    } else if (value instanceof List<?> l && !l.isEmpty()) {
      out.append('\n');
      block(out, value, inList ? indent + 2 : indent);
    } else {
      out.append(' ').append(scalar(value)).append('\n');
    }
  }

  @SuppressWarnings("unchecked")
  private static TreeMap<String, Object> sorted(Map<?, ?> map) {
    TreeMap<String, Object> out = new TreeMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static String scalar(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map<?, ?>) {
      return "{}";
    }
    if (value instanceof List<?>) {
      return "[]";
    }
    if (value instanceof Boolean || value instanceof Number) {
      return value.toString();
    }
    String s = value.toString();
    return needsQuotes(s) ? quote(s) : s;
  }

  static boolean needsQuotes(String s) {
    return s.isEmpty() || NOT_A_STRING.matcher(s).matches() || INDICATORS.indexOf(s.charAt(0)) >= 0
        || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))
        || s.contains(": ") || s.contains(" #") || s.endsWith(":") || s.chars().anyMatch(c -> c < 0x20);
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\x%02X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
