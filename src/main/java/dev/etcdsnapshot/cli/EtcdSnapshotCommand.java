package dev.etcdsnapshot.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top command, {@code etcd-snapshot-operator}. Each subcommand is its own class, registered here one per line.
 */
@Command(name = "etcd-snapshot-operator", mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Takes, lists, prunes, deletes and verifies etcd snapshots the way k3s does, and shows the "
        + "Kubernetes objects inside them.",
    subcommands = {
        SaveCommand.class,
        ListCommand.class,
        DeleteCommand.class,
        PruneCommand.class,
        VerifyCommand.class,
        InspectCommand.class,
        DownloadCommand.class,
        GetCommand.class,
        DiffCommand.class,
        OperatorCommand.class,
    })
public final class EtcdSnapshotCommand {

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "print stack traces and library logs (never HTTP headers, bodies or credentials)")
  boolean debug;
}
