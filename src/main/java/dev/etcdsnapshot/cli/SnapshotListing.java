package dev.etcdsnapshot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.model.ByteQuantity;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.model.SnapshotLabels;
import dev.etcdsnapshot.storage.StorageKind;
import dev.etcdsnapshot.storage.StoredSnapshot;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code ls} prints snapshots as k3s does (k3s-io/k3s pkg/cli/etcdsnapshot, pkg/etcd/snapshot.go ListSnapshots):
 * a tab-aligned table, or the typed {@code ETCDSnapshotFileList} ({@code kind: List}, {@code apiVersion: v1}) that
 * Go's encoders print — JSON in struct field order, one line; YAML as sigs.k8s.io/yaml writes it (keys sorted,
 * strings quoted where YAML would read them as something else).
 */
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
  /** Go's time.RFC3339: {@code Z} for UTC, else the offset. */
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  private SnapshotListing() {}

  /**
   * @param s3 the S3 store's {@code spec.s3} (as k3s writes it) for S3 entries, or {@code null}
   * @param zone the host's zone, in which the table shows Created
   */
  static String render(List<StoredSnapshot> snapshots, Format format, Flavor flavor, Map<String, Object> s3,
      ZoneId zone) {
    return switch (format) {
      case TABLE -> table(snapshots, zone);
      case JSON -> json(list(snapshots, flavor, s3));
      case YAML -> GoYaml.write(list(snapshots, flavor, s3));
    };
  }

  /** Like Go's tabwriter with padding 1: every column but the last is as wide as its widest cell plus one. */
  static String table(List<StoredSnapshot> snapshots, ZoneId zone) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (StoredSnapshot s : snapshots) {
      rows.add(new String[] {s.fileName(), s.location(), Long.toString(s.size()),
          RFC3339.format(s.createdAt().truncatedTo(ChronoUnit.SECONDS).atZone(zone))});
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

  /** Go's json.Encoder: compact, one line and a newline, fields in struct order. */
  private static String json(Map<String, Object> list) {
    try {
      return new ObjectMapper().writeValueAsString(list) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the snapshot list", e);
    }
  }

  /** {@code ETCDSnapshotFileList} in Go struct order: kind, apiVersion, metadata, items. */
  static Map<String, Object> list(List<StoredSnapshot> snapshots, Flavor flavor, Map<String, Object> s3) {
    Map<String, Object> list = new LinkedHashMap<>();
    list.put("kind", "List");
    list.put("apiVersion", "v1");
    list.put("metadata", Map.of());
    list.put("items", snapshots.stream().map(s -> item(s, flavor, s3)).toList());
    return list;
  }

  /**
   * One ETCDSnapshotFile as k3s's {@code ToETCDSnapshotFile} fills it, named by the legacy key (k3s-compat §2):
   * ObjectMeta's {@code creationTimestamp} is not omitempty, so an unsaved object prints {@code null}.
   */
  private static Map<String, Object> item(StoredSnapshot s, Flavor flavor, Map<String, Object> s3) {
    boolean isS3 = s.kind() == StorageKind.S3;
    String node = s.nodeName() == null ? (isS3 ? SnapshotLabels.STORAGE_NODE_S3 : "") : s.nodeName();
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", SnapshotNames.legacyKey(s.kind(), s.fileName()));
    metadata.put("creationTimestamp", null);
    metadata.put("labels", Map.of(SnapshotLabels.storageNodeLabel(flavor), isS3 ? SnapshotLabels.STORAGE_NODE_S3 : node));
    if (s.tokenHash() != null) {
      metadata.put("annotations", Map.of(SnapshotLabels.tokenHashAnnotation(flavor), s.tokenHash()));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("snapshotName", s.fileName());
    spec.put("nodeName", node);
    spec.put("location", s.location());
    if (!s.metadata().isEmpty()) {
      spec.put("metadata", new java.util.TreeMap<>(s.metadata()));
    }
    if (isS3 && s3 != null) {
      spec.put("s3", s3);
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("readyToUse", true);
    status.put("creationTime", rfc3339Utc(s.createdAt()));
    status.put("size", ByteQuantity.canonical(s.size()));
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("kind", "ETCDSnapshotFile");
    item.put("apiVersion", "k3s.cattle.io/v1");
    item.put("metadata", metadata);
    item.put("spec", spec);
    item.put("status", status);
    return item;
  }

  /** metav1.Time's JSON form: UTC, seconds. */
  private static String rfc3339Utc(Instant time) {
    return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS));
  }
}
