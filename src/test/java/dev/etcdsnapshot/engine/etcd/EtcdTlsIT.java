package dev.etcdsnapshot.engine.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.cli.CliRun;
import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.EtcdTls;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to a real etcd that requires client certificates, with a SEC1 EC client key as k3s has. */
class EtcdTlsIT {

  @TempDir Path tmp;

  @Test
  void savesOverMutualTlsAndRefusesWithoutAClientCertificate() throws Exception {
    EtcdTls tls = EtcdTls.generate(Files.createDirectory(tmp.resolve("tls")));
    Path dir = Files.createDirectory(tmp.resolve("snapshots"));
    try (EtcdCluster etcd = EtcdCluster.start(1, tls)) {
      String url = etcd.member(0).clientUrl();
      assertThat(url).startsWith("https://");

      CliRun ok = CliRun.of("save", "--endpoints", url, "--cacert", tls.caCert().toString(),
          "--cert", tls.clientCert().toString(), "--key", tls.clientKey().toString(),
          "--dir", dir.toString(), "--node-name", "n1");
      CliRun noClientCert = CliRun.of("save", "--endpoints", url, "--cacert", tls.caCert().toString(),
          "--dir", dir.toString(), "--node-name", "n1", "--etcd-timeout", "3");

      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(ok.out()).matches("Snapshot on-demand-n1-\\d+ saved\\.\n");
      assertThat(noClientCert.code()).isEqualTo(1);
      assertThat(noClientCert.errLines()).hasSize(1);
      assertThat(noClientCert.err()).contains("etcd at " + url).contains("TLS handshake failed");
      try (var files = Files.list(dir)) {
        assertThat(files).hasSize(1);
      }
    }
  }
}
