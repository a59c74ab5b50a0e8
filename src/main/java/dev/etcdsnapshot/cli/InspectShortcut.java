package dev.etcdsnapshot.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code inspect} read straight from the command line, without picocli, when the line is a plain one: the word
 * {@code inspect}, one snapshot argument and at most one each of {@code -o/--output}, {@code --temp-dir},
 * {@code --dir/--etcd-snapshot-dir} and {@code --node-name}, every value a separate or {@code =}-attached word that
 * does not start with '-'. Anything else (help, --debug, {@code @files}, a repeated or unknown option, a missing
 * value) is left to picocli, whose messages stay the only ones a user sees for a line it would refuse. An option
 * added to {@link InspectCommand} therefore keeps working through picocli until it is added here too.
 *
 * <p>Why: picocli's start-up (the model built from annotations through dynamic proxies, and its Java 5 class files,
 * which the launcher's class-data-sharing archive cannot hold) costs about 0.1 s, a third of {@code etcdctl snapshot
 * status}'s whole run on a 400 MiB file (BENCHMARKS.md, issue 10). {@code CliTest} runs the same lines both ways and
 * compares what they print.
 */
final class InspectShortcut {

  private InspectShortcut() {}

  /** The command {@code args} describe, its fields set as picocli would set them; empty when not a plain line. */
  static Optional<InspectCommand> parse(String... args) {
    if (args.length < 2 || !args[0].equals("inspect")) {
      return Optional.empty();
    }
    InspectCommand command = new InspectCommand();
    command.storage = new StorageOptions();
    String output = null;
    String tempDir = null;
    String dir = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-")) {
        if (command.target != null || arg.isEmpty() || arg.startsWith("@")) {
          return Optional.empty();
        }
        command.target = arg;
        continue;
      }
      int equals = arg.indexOf('=');
      String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
      String value;
      if (name.length() < arg.length()) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return Optional.empty();
      }
      if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
        return Optional.empty();
      }
      switch (name) {
        case "-o", "--output" -> {
          if (output != null) {
            return Optional.empty();
          }
          output = value;
        }
        case "--temp-dir" -> {
          if (tempDir != null) {
            return Optional.empty();
          }
          tempDir = value;
        }
        case "--dir", "--etcd-snapshot-dir" -> {
          if (dir != null) {
            return Optional.empty();
          }
          dir = value;
        }
        case "--node-name" -> {
          if (command.storage.nodeName != null) {
            return Optional.empty();
          }
          command.storage.nodeName = value;
        }
        default -> {
          return Optional.empty();
        }
      }
    }
    if (command.target == null) {
      return Optional.empty();
    }
    command.output = output != null ? output : "table";
    try {
      command.tempDir = tempDir != null ? Path.of(tempDir) : null;
      command.storage.dir = dir != null ? Path.of(dir) : null;
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    return Optional.of(command);
  }
}
