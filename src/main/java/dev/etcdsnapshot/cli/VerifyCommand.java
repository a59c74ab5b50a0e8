package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.ContentProof;
import dev.etcdsnapshot.engine.ContentVerifier;
import dev.etcdsnapshot.engine.SnapshotEngine;
import dev.etcdsnapshot.engine.etcd.EtcdSnapshotSource;
import dev.etcdsnapshot.engine.file.IntegrityReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verify <name|path>}: checks a snapshot, raw or zipped, against etcd's SHA-256 trailer; with
 * {@code --content} also its structure and its KV hash against the live member.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check a snapshot (raw or .zip) against etcd's SHA-256 trailer. A NAME is looked up in the "
        + "snapshot directory; anything containing '/' is a path.",
        "With --content, also read its bbolt structure and compare etcd's KV hash of the file at its revision with "
        + "the member's HashKV at that revision (--endpoints: one member). Exit 0 when verified, 1 when the "
        + "snapshot is corrupt or its content differs, 3 when the content could not be proven (the member has "
        + "compacted past the revision, or cannot be reached)."})
public final class VerifyCommand implements Callable<Integer> {

  /** Exit code when the content could not be proven either way. */
  public static final int NOT_PROVEN = 3;

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Mixin EtcdOptions etcd;

  @Option(names = "--content", description = "also prove the content against the live member (see above)")
  boolean content;

  @Option(names = "--temp-dir", paramLabel = "DIR",
      description = "where a zipped snapshot is inflated for --content (default: the system temporary directory)")
  Path tempDir;

  @Parameters(arity = "1", paramLabel = "NAME|PATH", description = "snapshot file name or path")
  String target;

  @Override
  public Integer call() throws IOException {
    SnapshotEngine engine = new SnapshotEngine(storage.store(), null, Clock.systemUTC());
    SnapshotEngine.Verification v = engine.verify(target);
    IntegrityReport report = v.report();
    String facts = v.fileSize() + " bytes"
        + (v.file().getFileName().toString().endsWith(".zip") ? " (" + report.size() + " bytes unzipped)" : "");
    if (!report.ok()) {
      spec.commandLine().getErr().println("Snapshot " + v.file() + " is corrupt: " + report.describe() + " ("
          + facts + ")");
      return 1;
    }
    String ok = "Snapshot " + v.file() + " OK: " + facts + ", sha256 " + report.actualSha256();
    if (!content) {
      spec.commandLine().getOut().println(ok);
      return 0;
    }
    ContentProof proof;
    try (EtcdSnapshotSource member = EtcdSnapshotSource.forSingleEndpoint(etcd.settings())) {
      Path temp = tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir"));
      proof = new ContentVerifier(Clock.systemUTC(), temp).prove(v.file(), member);
    }
    return switch (proof.outcome()) {
      case VERIFIED -> {
        spec.commandLine().getOut().println(ok + ", revision " + proof.revision() + ", " + proof.message());
        yield 0;
      }
      case COMPACTED, UNAVAILABLE -> {
        spec.commandLine().getOut().println(ok + (proof.revision() > 0 ? ", revision " + proof.revision() : ""));
        spec.commandLine().getErr().println("Content not proven: " + proof.message());
        yield NOT_PROVEN;
      }
      case MISMATCH, UNREADABLE -> {
        spec.commandLine().getErr().println("Snapshot " + v.file() + " failed content verification: "
            + proof.message());
        yield 1;
      }
    };
  }
}
