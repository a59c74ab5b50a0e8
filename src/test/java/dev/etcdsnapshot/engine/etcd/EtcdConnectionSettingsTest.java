package dev.etcdsnapshot.engine.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.testing.EtcdTls;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdConnectionSettingsTest {

  @TempDir Path tmp;

  private EtcdConnectionSettings settings(Path ca, Path cert, Path key) {
    return new EtcdConnectionSettings(List.of(URI.create("https://127.0.0.1:2379")), ca, cert, key,
        Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void missingFilesAreNamedWithTheirFlag() {
    Path nope = tmp.resolve("nope.pem");
    assertThatThrownBy(() -> settings(nope, null, null).validate()).hasMessage("--cacert: file " + nope + " does not exist");
    assertThatThrownBy(() -> settings(null, nope, nope).validate()).hasMessage("--cert: file " + nope + " does not exist");
    assertThatThrownBy(() -> settings(null, null, nope).validate()).hasMessage("--key: file " + nope + " does not exist");
    assertThatThrownBy(() -> settings(tmp, null, null).validate()).hasMessage("--cacert: " + tmp + " is not a file");
  }

  @Test
  void certAndKeyComeTogether() throws Exception {
    Path file = Files.writeString(tmp.resolve("x.pem"), "x");
    assertThatThrownBy(() -> settings(null, file, null).validate()).hasMessageStartingWith("--cert was given without --key");
    assertThatThrownBy(() -> settings(null, null, file).validate()).hasMessageStartingWith("--key was given without --cert");
  }

  @Test
  void endpointsAreSplitOnCommasAndMustBeHttpUrls() {
    assertThat(EtcdConnectionSettings.parseEndpoints(List.of("http://a:1, https://b:2", "http://c:3")))
        .containsExactly(URI.create("http://a:1"), URI.create("https://b:2"), URI.create("http://c:3"));
    assertThatThrownBy(() -> EtcdConnectionSettings.parseEndpoints(List.of("a:1")))
        .hasMessageStartingWith("--endpoints: invalid etcd endpoint \"a:1\"");
    assertThatThrownBy(() -> EtcdConnectionSettings.parseEndpoints(List.of("http://a")))
        .hasMessageStartingWith("--endpoints: invalid etcd endpoint");
    assertThatThrownBy(() -> EtcdConnectionSettings.parseEndpoints(List.of(",")))
        .hasMessage("--endpoints: no etcd endpoint given");
  }

  @Test
  void readsSec1Pkcs8AndPkcs1KeysAndNamesTheFlagOnGarbage() throws Exception {
    EtcdTls tls = EtcdTls.generate(tmp);
    assertThat(PemFiles.privateKey("--key", tls.clientKey()).getAlgorithm()).isEqualTo("EC");
    assertThat(Files.readString(tls.clientKey())).contains("BEGIN EC PRIVATE KEY");
    assertThat(PemFiles.privateKey("--key", tls.serverKey()).getAlgorithm()).isEqualTo("EC");
    assertThat(PemFiles.certificates("--cert", tls.clientCert())).hasSize(1);

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    PrivateKey rsaKey = rsa.generateKeyPair().getPrivate();
    byte[] pkcs1 = PrivateKeyInfo.getInstance(rsaKey.getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
    Path rsaFile = tmp.resolve("rsa.key");
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(new PemObject("RSA PRIVATE KEY", pkcs1));
    }
    Files.writeString(rsaFile, pem.toString());
    assertThat(PemFiles.privateKey("--key", rsaFile)).isEqualTo(rsaKey);

    Path garbage = Files.writeString(tmp.resolve("garbage.key"), "not a key");
    assertThatThrownBy(() -> PemFiles.privateKey("--key", garbage))
        .hasMessage("--key: no PEM private key found in " + garbage);
    assertThatThrownBy(() -> PemFiles.certificates("--cacert", garbage))
        .hasMessageStartingWith("--cacert: ");
  }
}
