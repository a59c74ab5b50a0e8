package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.SnapshotNames;
import dev.etcdsnapshot.model.Flavor;
import dev.etcdsnapshot.storage.local.LocalSnapshotStore;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The flags that say which node's snapshot directory to use, shared by every command (picocli mixin). */
public final class StorageOptions {

  /** k3s's default snapshot directory; the only one created when missing. */
  public static final String DEFAULT_DIR = "/var/lib/rancher/k3s/server/db/snapshots";

  @Option(names = {"--dir", "--etcd-snapshot-dir"}, paramLabel = "DIR",
      description = "directory holding the snapshots (default: " + DEFAULT_DIR + ", created 0700 when missing; "
          + "any other directory must exist)")
  Path dir;

  @Option(names = "--node-name", paramLabel = "NAME", description = "this node's name, part of every file name "
      + "(default: the host name)")
  String nodeName;

  /** The node name: {@code --node-name}, else the host name; validated as a file-name part. */
  public String nodeName() {
    return nodeNameOrElse(null);
  }

  /**
   * The node name: {@code --node-name}, else {@code fallback} when not empty (the operator passes
   * {@code $NODE_NAME}), else the host name; validated as a file-name part.
   */
  public String nodeNameOrElse(String fallback) {
    String name = nodeName != null ? nodeName
        : fallback != null && !fallback.isEmpty() ? fallback
        : hostName();
    SnapshotNames.requireValidNodeName(name);
    return name;
  }

  /** The snapshot directory: {@code --dir}, else k3s's default. */
  public Path directory() {
    return dir != null ? dir : Path.of(DEFAULT_DIR);
  }

  /** The snapshot directory: {@code --dir}, else the flavour's default ({@code /var/lib/rancher/<flavor>/...}). */
  public Path directory(Flavor flavor) {
    return dir != null ? dir : defaultDir(flavor);
  }

  /** {@code /var/lib/rancher/<k3s|rke2>/server/db/snapshots}, as k3s and RKE2 default it. */
  static Path defaultDir(Flavor flavor) {
    return Path.of("/var/lib/rancher/" + flavor.program() + "/server/db/snapshots");
  }

  /** The node's directory for the flavour as a store; only that flavour's default is created when missing. */
  public LocalSnapshotStore store(Flavor flavor) {
    Path directory = directory(flavor);
    boolean isDefault = directory.toAbsolutePath().normalize().equals(defaultDir(flavor));
    return new LocalSnapshotStore(directory, isDefault, nodeName(), SnapshotNames::parseTimestamp);
  }

  /** The node's directory as a store; only the default directory is created when missing. */
  public LocalSnapshotStore store() {
    return store(nodeName());
  }

  /** The directory as the store of the given node; only the default directory is created when missing. */
  public LocalSnapshotStore store(String node) {
    Path directory = directory();
    boolean isDefault = directory.toAbsolutePath().normalize().equals(Path.of(DEFAULT_DIR));
    return new LocalSnapshotStore(directory, isDefault, node, SnapshotNames::parseTimestamp);
  }

  /** The kernel's host name without a DNS lookup (which can stall start-up), as Go's os.Hostname. */
  static String hostName() {
    try {
      Path proc = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(proc)) {
        String name = Files.readString(proc).trim();
        if (!name.isEmpty()) {
          return name;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot determine the host name; give --node-name", e);
    }
  }
}
