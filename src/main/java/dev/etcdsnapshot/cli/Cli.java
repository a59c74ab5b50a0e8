package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.file.Messages;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine;

/**
 * Runs the command line: every failure is one line on stderr and a non-zero exit (1 for a failed operation, 2 for
 * a usage error); {@code --debug} adds the stack trace and library logs.
 */
public final class Cli {

  /** Exit code of a failed operation. */
  public static final int FAILED = 1;

  /** Exit code of a command line picocli could not parse. */
  public static final int USAGE = 2;

  /**
   * Commands that read snapshot files only: no gRPC, Netty or HTTP client logs through java.util.logging there, so
   * they skip its set-up (a few dozen classes of a short run's start-up).
   */
  private static final List<Class<?>> OFFLINE = List.of(InspectCommand.class, GetCommand.class, DiffCommand.class);

  private Cli() {}

  /** The configured command line with every subcommand, for callers that register more or capture output. */
  public static CommandLine commandLine() {
    return commandLine(EtcdSnapshotCommand.SUBCOMMANDS);
  }

  private static CommandLine commandLine(List<Class<?>> subcommands) {
    CommandLine cli = new CommandLine(new EtcdSnapshotCommand());
    for (Class<?> subcommand : subcommands) {
      cli.addSubcommand(subcommand);
    }
    cli.setExecutionExceptionHandler(executionFailure());
    cli.setParameterExceptionHandler(usageFailure());
    return cli;
  }

  /**
   * The subcommand {@code args} run: the class whose name or alias is the first argument that is not an option
   * (the top command's options take no value), or all of them (help, a typo, no command) so that picocli's messages
   * and suggestions stay those of the full command line.
   */
  static List<Class<?>> subcommandsFor(String... args) {
    for (String arg : args) {
      if (arg.startsWith("-")) {
        continue;
      }
      for (Class<?> subcommand : EtcdSnapshotCommand.SUBCOMMANDS) {
        Command command = subcommand.getAnnotation(Command.class);
        if (command.name().equals(arg) || Arrays.asList(command.aliases()).contains(arg)) {
          return List.of(subcommand);
        }
      }
      break;
    }
    return EtcdSnapshotCommand.SUBCOMMANDS;
  }

  /** Parses and runs {@code args}, writing to the given streams; returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    Optional<InspectCommand> inspect = InspectShortcut.parse(args);
    if (inspect.isPresent()) {
      return run(inspect.get(), out, err);
    }
    return executeWithPicocli(out, err, args);
  }

  /** {@link #execute} with every line parsed by picocli, {@code inspect}'s plain ones included. */
  static int executeWithPicocli(PrintWriter out, PrintWriter err, String... args) {
    List<Class<?>> subcommands = subcommandsFor(args);
    CommandLine cli = commandLine(subcommands);
    cli.setOut(out);
    cli.setErr(err);
    if (Arrays.asList(args).contains("--debug")) {
      // Takes effect when slf4j-simple has not logged yet, which is the case at start-up.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
    } else if (!OFFLINE.containsAll(subcommands)) {
      quietLibraryLogs();
    }
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** An {@link InspectShortcut} command, failing as a picocli one does (a plain line has no --debug). */
  private static int run(InspectCommand command, PrintWriter out, PrintWriter err) {
    int code;
    try {
      code = command.run(out, err);
    } catch (Exception e) {
      code = failed(e, err, false);
    }
    out.flush();
    err.flush();
    return code;
  }

  private static IExecutionExceptionHandler executionFailure() {
    return (e, cli, parseResult) -> failed(e, cli.getErr(), parseResult.expandedArgs().contains("--debug"));
  }

  /** A failed operation: its one line (after the stack trace with --debug), exit code {@link #FAILED}. */
  private static int failed(Exception e, PrintWriter err, boolean stackTrace) {
    if (stackTrace) {
      e.printStackTrace(err);
    }
    err.println(Messages.of(e));
    err.flush();
    return FAILED;
  }

  private static IParameterExceptionHandler usageFailure() {
    return (e, args) -> {
      CommandLine cli = e.getCommandLine();
      cli.getErr().println(Messages.of(e) + " (see '" + cli.getCommandSpec().qualifiedName() + " --help')");
      cli.getErr().flush();
      return USAGE;
    };
  }

  /** gRPC and Netty log through java.util.logging; their warnings would break the one-line rule. */
  private static void quietLibraryLogs() {
    Logger root = LogManager.getLogManager().getLogger("");
    root.setLevel(Level.OFF);
    for (var handler : root.getHandlers()) {
      handler.setLevel(Level.OFF);
    }
  }
}
