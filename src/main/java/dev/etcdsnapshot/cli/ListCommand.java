package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.storage.StoredSnapshot;
import dev.etcdsnapshot.storage.s3.S3Settings;
import dev.etcdsnapshot.storage.s3.S3SnapshotStore;
import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ls}: the node's snapshots, oldest first, as a table or a k3s-style List of ETCDSnapshotFile. */
@Command(name = "ls", aliases = {"list", "l"}, mixinStandardHelpOptions = true,
    description = "List the snapshots in the snapshot directory, and with --s3 those in the S3 folder too.")
public final class ListCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Mixin S3Options s3;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json or yaml (default: ${DEFAULT-VALUE})")
  String output;

  @Override
  public Integer call() throws IOException {
    SnapshotListing.Format format = SnapshotListing.Format.parse(output);
    // --flavor rke2 lists RKE2's directory unless --dir says otherwise, as `rke2 etcd-snapshot ls` does.
    List<StoredSnapshot> snapshots = new ArrayList<>(SnapshotEngine.list(storage.store(s3.flavor())));
    Map<String, Object> s3Spec = null;
    if (s3.enabled()) {
      s3Spec = s3Spec(s3.settings());
      try (S3SnapshotStore remote = s3.store()) {
        // The table shows nothing an S3 listing lacks; json and yaml print each object's uploader (nodeName),
        // which costs a HEAD per object.
        snapshots.addAll(format == SnapshotListing.Format.TABLE ? remote.list() : remote.listDetailed());
      }
      // One listing in k3s's order across both: oldest first, then by name.
      snapshots.sort(Comparator.comparing(StoredSnapshot::createdAt).thenComparing(StoredSnapshot::fileName));
    }
    // The table's Created is in the host's zone (Go formats time.Unix in time.Local, which TZ sets).
    spec.commandLine().getOut().print(SnapshotListing.render(snapshots, format, s3.flavor(), s3Spec, ZoneId.systemDefault()));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** {@code spec.s3} as k3s writes it: omitempty fields, in Go struct order, never bucketLookup. */
  static Map<String, Object> s3Spec(S3Settings settings) {
    Map<String, Object> s3 = new LinkedHashMap<>();
    s3.put("endpoint", settings.endpoint());
    if (settings.endpointCa() != null && !settings.endpointCa().isEmpty()) {
      s3.put("endpointCA", settings.endpointCa());
    }
    if (settings.skipSslVerify()) {
      s3.put("skipSSLVerify", true);
    }
    s3.put("bucket", settings.bucket());
    s3.put("region", settings.region());
    if (!settings.folder().isEmpty()) {
      s3.put("prefix", settings.folder());
    }
    if (settings.plainHttp()) {
      s3.put("insecure", true);
    }
    return s3;
  }
}
