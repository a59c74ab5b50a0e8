package dev.etcdsnapshot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.model.Flavor;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

  @TempDir Path tmp;

  @Test
  void eachFlavorHasItsOwnDefault() {
    assertThat(TokenFile.defaultPath(Flavor.K3S)).isEqualTo(Path.of("/var/lib/rancher/k3s/server/token"));
    assertThat(TokenFile.defaultPath(Flavor.RKE2)).isEqualTo(Path.of("/var/lib/rancher/rke2/server/token"));
  }

  @Test
  void aMissingDefaultFileMeansNoFingerprint() throws Exception {
    TokenFile file = TokenFile.fromFlag("--token-file", null, tmp.resolve("server/token"));
    assertThat(file.required()).isFalse();
    assertThat(file.fingerprint()).isEqualTo(new TokenFile.Fingerprint(Optional.empty(), Optional.empty()));
  }

  @Test
  void anEmptyFlagMeansNone() throws Exception {
    Path present = Files.writeString(tmp.resolve("token"), "password");
    TokenFile file = TokenFile.fromFlag("--token-file", "", present);
    assertThat(file.path()).isNull();
    assertThat(file.fingerprint().hash()).as("not even the default is read").isEmpty();
  }

  @Test
  void aGivenFileMustExistAndIsNamedByItsFlag() {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> TokenFile.fromFlag("--token-file", missing.toString(), Path.of("/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--token-file " + missing + " is not a file");
    assertThatThrownBy(() -> TokenFile.fromFlag("--token-file", tmp.toString(), Path.of("/x")))
        .as("a directory").hasMessageStartingWith("--token-file " + tmp);
  }

  @Test
  void aGivenFileIsReadBeforeEverySaveAndItsLossIsAnErrorWithoutTheToken() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "K10::server:s3cr3t-p4ss\n");
    TokenFile file = TokenFile.fromFlag("--token-file", token.toString(), Path.of("/x"));
    assertThat(file.fingerprint()).isEqualTo(new TokenFile.Fingerprint(Optional.of("9f3c8c498b93"), Optional.empty()));

    Files.writeString(token, "K10::server:password\n");
    assertThat(file.fingerprint().hash()).as("rotated").contains("5e884898da28");

    Files.delete(token);
    assertThatThrownBy(file::fingerprint).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("--token-file").hasMessageContaining(token.toString())
        .hasMessageNotContaining("password");
  }

  @Test
  void aDefaultFileThatCannotBeReadMeansNoFingerprintAndAWarningNamingIt() throws Exception {
    // A directory where the file should be (as a hostPath mount of a missing file leaves): unreadable as a file
    // even for root, which permission bits would not stop.
    Path unreadable = Files.createDirectories(tmp.resolve("server/token"));
    TokenFile file = TokenFile.fromFlag("--token-file", null, unreadable);
    TokenFile.Fingerprint fingerprint = file.fingerprint();
    assertThat(fingerprint.hash()).isEmpty();
    assertThat(fingerprint.warning()).hasValueSatisfying(w -> assertThat(w)
        .startsWith("The server token file " + unreadable + " cannot be read (")
        .contains("snapshots get no token hash").contains("--token-file"));
  }

  @Test
  void aGivenFileThatCannotBeReadIsAnErrorNamingTheFlagNeverTheToken() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "K10::server:s3cr3t-p4ss\n");
    TokenFile file = TokenFile.fromFlag("--token-file", token.toString(), Path.of("/x"));
    Files.delete(token);
    Files.createDirectory(token);
    assertThatThrownBy(file::fingerprint).isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith("--token-file " + token + " cannot be read")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void contentKThreeSDoesNotFingerprintMeansNoHashAndAWarningWithoutTheContent() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "abcdef.0123456789abcdef\n"); // a kubeadm bootstrap token
    TokenFile.Fingerprint fingerprint = TokenFile.fromFlag("--token-file", null, token).fingerprint();
    assertThat(fingerprint.hash()).isEmpty();
    assertThat(fingerprint.warning()).hasValueSatisfying(w -> assertThat(w)
        .contains("is not in a form k3s fingerprints").doesNotContain("0123456789abcdef"));
  }
}
