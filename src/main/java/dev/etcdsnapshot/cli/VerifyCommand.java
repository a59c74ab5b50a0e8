package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.IntegrityReport;
import dev.etcdsnapshot.engine.SnapshotEngine;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code verify <name|path>}: checks a snapshot, raw or zipped, against etcd's SHA-256 trailer. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check a snapshot (raw or .zip) against etcd's SHA-256 trailer. A NAME is looked up in the "
        + "snapshot directory; anything containing '/' is a path.")
public final class VerifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin StorageOptions storage;

  @Parameters(arity = "1", paramLabel = "NAME|PATH", description = "snapshot file name or path")
  String target;

  @Override
  public Integer call() throws IOException {
    SnapshotEngine engine = new SnapshotEngine(storage.store(), null, Clock.systemUTC());
    SnapshotEngine.Verification v = engine.verify(target);
    IntegrityReport report = v.report();
    String facts = v.fileSize() + " bytes"
        + (v.file().getFileName().toString().endsWith(".zip") ? " (" + report.size() + " bytes unzipped)" : "");
    if (report.ok()) {
      spec.commandLine().getOut().println("Snapshot " + v.file() + " OK: " + facts + ", sha256 "
          + report.actualSha256());
      return 0;
    }
    spec.commandLine().getErr().println("Snapshot " + v.file() + " is corrupt: " + report.describe() + " ("
        + facts + ")");
    return 1;
  }
}
