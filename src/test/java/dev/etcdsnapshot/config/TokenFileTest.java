package dev.etcdsnapshot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.model.Flavor;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
    assertThat(file.currentHash()).isEmpty();
  }

  @Test
  void anEmptyFlagMeansNone() throws Exception {
    Path present = Files.writeString(tmp.resolve("token"), "password");
    TokenFile file = TokenFile.fromFlag("--token-file", "", present);
    assertThat(file.path()).isNull();
    assertThat(file.currentHash()).as("not even the default is read").isEmpty();
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
    assertThat(file.currentHash()).contains("9f3c8c498b93");

    Files.writeString(token, "K10::server:password\n");
    assertThat(file.currentHash()).as("rotated").contains("5e884898da28");

    Files.delete(token);
    assertThatThrownBy(file::currentHash).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("--token-file").hasMessageContaining(token.toString())
        .hasMessageNotContaining("password");
  }
}
