package dev.etcdsnapshot.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top command, {@code etcd-snapshot-operator}. Each subcommand is its own class, listed in {@link #SUBCOMMANDS}
 * one per line (in help order), and registered by {@link Cli}: picocli builds a command's model by reflection when it
 * is registered, which for all of them is most of a short command's start-up, so a run registers only the one it
 * runs.
 */
@Command(name = "etcd-snapshot-operator", mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Takes, lists, prunes, deletes and verifies etcd snapshots the way k3s does, and shows the "
        + "Kubernetes objects inside them.")
public final class EtcdSnapshotCommand {

  /** The subcommands in the order help lists them, each named by its own {@code @Command}. */
  static final List<Class<?>> SUBCOMMANDS = List.of(
      SaveCommand.class,
      ListCommand.class,
      DeleteCommand.class,
      PruneCommand.class,
      VerifyCommand.class,
      InspectCommand.class,
      DownloadCommand.class,
      GetCommand.class,
      DiffCommand.class,
      OperatorCommand.class);

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "print stack traces and library logs (never HTTP headers, bodies or credentials)")
  boolean debug;
}
