package dev.etcdsnapshot.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * k3s's token fingerprint. The expected values were computed outside Java, e.g.
 * {@code printf %s s3cr3t-p4ss | sha256sum | cut -c1-12}.
 */
class ServerTokenTest {

  private static final String CA = "a".repeat(64);

  @Test
  void aBareTokenIsHashedWhole() {
    assertThat(ServerToken.hash("password")).contains("5e884898da28");
    // k3s reads a bare token as a password with an empty user name, so its colons stay in.
    assertThat(ServerToken.hash("abc:def")).contains("ec5952851b80");
  }

  @Test
  void aFullTokenContributesOnlyItsPassword() {
    assertThat(ServerToken.hash("K10" + CA + "::server:s3cr3t-p4ss")).contains("9f3c8c498b93");
    assertThat(ServerToken.hash("K10::server:s3cr3t-p4ss")).as("empty CA hash").contains("9f3c8c498b93");
    assertThat(ServerToken.hash("s3cr3t-p4ss")).as("the same password bare").contains("9f3c8c498b93");
  }

  @Test
  void whiteSpaceAroundTheTokenIsIgnored() {
    assertThat(ServerToken.hash("  password\n")).contains("5e884898da28");
  }

  @Test
  void tokensK3sCannotNormalizeGetNoFingerprint() {
    assertThat(ServerToken.hash("K10bad::server:x")).as("CA hash of the wrong length").isEmpty();
    assertThat(ServerToken.hash("K10" + CA + "::no-password-part")).isEmpty();
    assertThat(ServerToken.hash("K10" + CA + "::server:")).isEmpty();
    assertThat(ServerToken.hash("abcdef.0123456789abcdef")).as("a bootstrap token").isEmpty();
    assertThat(ServerToken.hash(" \n")).isEmpty();
    assertThat(ServerToken.hash(null)).isEmpty();
  }

  @Test
  void theFileIsReadEveryTime(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("token");
    Files.writeString(file, "K10" + CA + "::server:s3cr3t-p4ss\n");
    assertThat(ServerToken.hashOfFile(file)).contains("9f3c8c498b93");
    Files.writeString(file, "K10" + CA + "::server:password\n");
    assertThat(ServerToken.hashOfFile(file)).as("a rotated token").contains("5e884898da28");
    assertThatThrownBy(() -> ServerToken.hashOfFile(tmp.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
  }
}
