package dev.etcdsnapshot;

import dev.etcdsnapshot.cli.Cli;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/** Entry point of {@code java -jar etcd-snapshot-operator.jar}: the command line. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    Charset charset = Charset.defaultCharset();
    int code = Cli.execute(new PrintWriter(System.out, true, charset), new PrintWriter(System.err, true, charset), args);
    System.exit(code);
  }
}
