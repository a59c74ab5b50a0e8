package dev.etcdsnapshot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How {@code ls} prints snapshots: k3s's tab-aligned table, or a {@code v1 List} of ETCDSnapshotFile as JSON/YAML. */
final class SnapshotListing {

  /** The output formats of {@code ls -o}. */
  enum Format {
    TABLE, JSON, YAML;

    static Format parse(String value) {
      try {
        return Format.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid output format: " + value);
      }
    }
  }

  private static final String[] HEADER = {"Name", "Location", "Size", "Created"};

  private SnapshotListing() {}

  static String render(List<StoredSnapshot> snapshots, Format format) {
    return switch (format) {
      case TABLE -> table(snapshots);
      case JSON -> serialize(new ObjectMapper(), snapshots);
      case YAML -> serialize(new ObjectMapper(new YAMLFactory()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)), snapshots);
    };
  }

  /** Like Go's tabwriter with padding 1: every column but the last is as wide as its widest cell plus one. */
  static String table(List<StoredSnapshot> snapshots) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (StoredSnapshot s : snapshots) {
      rows.add(new String[] {s.fileName(), s.location(), Long.toString(s.size()), rfc3339(s.createdAt())});
    }
    int[] widths = new int[HEADER.length - 1];
    for (String[] row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < widths.length; i++) {
        out.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 1));
      }
      out.append(row[HEADER.length - 1]).append('\n');
    }
    return out.toString();
  }

  private static String serialize(ObjectMapper mapper, List<StoredSnapshot> snapshots) {
    Map<String, Object> list = new LinkedHashMap<>();
    list.put("apiVersion", "v1");
    list.put("items", snapshots.stream().map(SnapshotListing::item).toList());
    list.put("kind", "List");
    list.put("metadata", Map.of("resourceVersion", ""));
    try {
      if (mapper.getFactory() instanceof YAMLFactory) {
        return mapper.writeValueAsString(list);
      }
      DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
          .withObjectIndenter(new DefaultIndenter("    ", "\n"))
          .withArrayIndenter(new DefaultIndenter("    ", "\n"));
      return mapper.writer(printer).writeValueAsString(list) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the snapshot list", e);
    }
  }

  /** One ETCDSnapshotFile as k3s's {@code ls -o json} prints it: named by the legacy key (k3s-compat §2). */
  private static Map<String, Object> item(StoredSnapshot s) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", SnapshotNames.legacyKey(s.kind(), s.fileName()));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("snapshotName", s.fileName());
    spec.put("nodeName", s.nodeName() == null ? s.kind().prefix() : s.nodeName());
    spec.put("location", s.location());
    if (!s.metadata().isEmpty()) {
      spec.put("metadata", s.metadata());
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("creationTime", rfc3339(s.createdAt()));
    status.put("readyToUse", true);
    status.put("size", Long.toString(s.size()));
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("apiVersion", "k3s.cattle.io/v1");
    item.put("kind", "ETCDSnapshotFile");
    item.put("metadata", metadata);
    item.put("spec", spec);
    item.put("status", status);
    return item;
  }

  private static String rfc3339(Instant time) {
    return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS));
  }
}
