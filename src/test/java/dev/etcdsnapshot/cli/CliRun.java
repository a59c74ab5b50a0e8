package dev.etcdsnapshot.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One in-process run of the command line, with what it printed.
 *
 * @param code the exit code
 * @param out stdout
 * @param err stderr
 */
public record CliRun(int code, String out, String err) {

  /** Runs {@code args} through {@link Cli#execute} and captures both streams. */
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The lines of stderr. */
  public String[] errLines() {
    return err.isEmpty() ? new String[0] : err.split("\n");
  }
}
