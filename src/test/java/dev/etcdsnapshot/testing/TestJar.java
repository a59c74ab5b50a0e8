package dev.etcdsnapshot.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The packaged jar, which Maven builds before the integration tests and names in {@code ETCD_SNAPSHOT_TEST_JAR}.
 * Without it a test is skipped (an IDE run of one IT), except with {@code CI=true}, where a missing jar fails the
 * run: there a skip would hide that the shipped artifact was never exercised.
 */
public final class TestJar {

  private TestJar() {}

  /** The jar; skips the calling test when it is missing, fails it under {@code CI=true}. */
  public static Path require() {
    String jar = System.getenv("ETCD_SNAPSHOT_TEST_JAR");
    boolean present = jar != null && Files.isRegularFile(Path.of(jar));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("ETCD_SNAPSHOT_TEST_JAR must name the built jar when CI=true (got "
          + jar + "); run the integration tests through 'mvn verify'");
    }
    assumeTrue(present, "ETCD_SNAPSHOT_TEST_JAR not built");
    return Path.of(jar);
  }

  /** {@code <java.home>/bin/java}, the JVM running the tests. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
