package dev.etcdsnapshot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.etcdsnapshot.engine.content.SnapshotStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code inspect} prints a {@link SnapshotStatus}: a table for people, or JSON/YAML whose first four fields
 * carry {@code etcdctl snapshot status -w json}'s names and values.
 */
final class SnapshotInspection {

  /** The output formats of {@code inspect -o}. */
  enum Format {
    TABLE, JSON, YAML;

    static Format parse(String value) {
      try {
        return Format.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("-o: invalid output format '" + value + "' (table, json or yaml)");
      }
    }
  }

  private SnapshotInspection() {}

  static String render(SnapshotStatus status, Format format) {
    return switch (format) {
      case TABLE -> table(status);
      case JSON -> JsonText.of(fields(status));
      case YAML -> yaml(fields(status));
    };
  }

  /** A document as YAML: no document start marker, strings quoted only where YAML needs it. */
  static String yaml(Map<String, Object> document) {
    try {
      return new ObjectMapper(new YAMLFactory()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)).writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the document", e);
    }
  }

  static Map<String, Object> fields(SnapshotStatus s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("hash", s.hash());
    out.put("revision", s.revision());
    out.put("totalKey", s.totalKeys());
    out.put("totalSize", s.totalSize());
    out.put("fileSize", s.fileSize());
    out.put("compactRevision", s.etcd().compactRevision());
    out.put("consistentIndex", s.etcd().consistentIndex());
    out.put("pageSize", s.bolt().pageSize());
    out.put("txid", s.bolt().txid());
    out.put("liveKeys", s.liveKeys());
    out.put("objects", s.objects());
    return out;
  }

  private static String table(SnapshotStatus s) {
    StringBuilder out = new StringBuilder();
    row(out, "Hash", s.hashHex());
    row(out, "Revision", Long.toString(s.revision()));
    row(out, "Total keys", Long.toString(s.totalKeys()));
    row(out, "Total size", s.totalSize() + " bytes");
    row(out, "File size", s.fileSize() + " bytes");
    row(out, "Compaction revision", s.etcd().compactRevision() < 0 ? "none" : Long.toString(s.etcd().compactRevision()));
    row(out, "Consistent index", Long.toString(s.etcd().consistentIndex()));
    row(out, "Live keys", Long.toString(s.liveKeys()));
    out.append('\n');
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"RESOURCE", "NAMESPACE", "OBJECTS"});
    s.objects().forEach((resource, perNamespace) -> perNamespace.forEach((ns, n) ->
        rows.add(new String[] {resource, ns.isEmpty() ? "-" : ns, Long.toString(n)})));
    if (rows.size() == 1) {
      return out.append("No Kubernetes objects under /registry/.\n").toString();
    }
    int[] widths = new int[2];
    for (String[] row : rows) {
      widths[0] = Math.max(widths[0], row[0].length());
      widths[1] = Math.max(widths[1], row[1].length());
    }
    for (String[] row : rows) {
      out.append(row[0]).append(" ".repeat(widths[0] - row[0].length() + 3))
          .append(row[1]).append(" ".repeat(widths[1] - row[1].length() + 3)).append(row[2]).append('\n');
    }
    return out.toString();
  }

  private static void row(StringBuilder out, String name, String value) {
    out.append(name).append(':').append(" ".repeat(21 - name.length())).append(value).append('\n');
  }
}
