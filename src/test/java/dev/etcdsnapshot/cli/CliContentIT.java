package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.etcdsnapshot.testing.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect} and {@code verify --content} against files of a real etcd, judged by etcdctl. */
class CliContentIT {

  private static EtcdCluster etcd;
  private static String endpoint;

  @TempDir Path tmp;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdCluster.start(1);
    endpoint = etcd.member(0).clientUrl();
    try (Client client = etcd.client(0)) {
      for (int i = 0; i < 30; i++) {
        put(client, "/registry/configmaps/" + (i % 2 == 0 ? "default" : "kube-system") + "/cm-" + i);
      }
      put(client, "/registry/namespaces/default");
      put(client, "/registry/namespaces/kube-system");
      put(client, "/registry/example.com/widgets/default/w");
      client.getKVClient().delete(bytes("/registry/configmaps/default/cm-0")).get(10, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  private static void put(Client client, String key) throws Exception {
    client.getKVClient().put(bytes(key), bytes("{}")).get(10, TimeUnit.SECONDS);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private Path save(String name, boolean zip) throws java.io.IOException {
    Path dir = Files.createDirectories(tmp.resolve("snapshots"));
    CliRun save = zip
        ? CliRun.of("save", "--endpoints", endpoint, "--dir", dir.toString(), "--node-name", "n1", "--name", name,
            "--etcd-snapshot-compress")
        : CliRun.of("save", "--endpoints", endpoint, "--dir", dir.toString(), "--node-name", "n1", "--name", name);
    assertThat(save.code()).as(save.err()).isZero();
    return dir.resolve(save.out().substring("Snapshot ".length(), save.out().indexOf(" saved.")));
  }

  @Test
  void inspectReportsWhatEtcdctlSnapshotStatusReportsPlusTheInventory() throws Exception {
    Path snapshot = save("raw", false);
    JsonNode etcdctl = new ObjectMapper().readTree(etcd.member(0).etcdctl("snapshot", "status", snapshot.toString(),
        "-w", "json"));

    CliRun json = CliRun.of("inspect", snapshot.toString(), "-o", "json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode ours = new ObjectMapper().readTree(json.out());
    for (String field : new String[] {"hash", "revision", "totalKey", "totalSize"}) {
      assertThat(ours.get(field).asLong()).as(field).isEqualTo(etcdctl.get(field).asLong());
    }
    assertThat(ours.at("/objects/configmaps/default").asLong()).isEqualTo(14); // 15 written, one deleted
    assertThat(ours.at("/objects/configmaps/kube-system").asLong()).isEqualTo(15);
    assertThat(ours.at("/objects/namespaces/").asLong()).isEqualTo(2);
    assertThat(ours.at("/objects/example.com~1widgets/default").asLong()).isEqualTo(1);

    JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(CliRun.of("inspect", snapshot.toString(), "-o",
        "yaml").out());
    assertThat(yaml).isEqualTo(ours);

    CliRun table = CliRun.of("inspect", snapshot.toString());
    assertThat(table.out()).contains("Hash:                 " + Long.toHexString(etcdctl.get("hash").asLong()) + "\n")
        .contains("Revision:             " + etcdctl.get("revision").asLong() + "\n")
        .containsPattern("configmaps +kube-system +15\n")
        .containsPattern("namespaces +- +2\n");
  }

  @Test
  void inspectOfAZipReadsTheEntryAndAnUnreadableFileIsOneLineAndExit1() throws Exception {
    Path zip = save("zipped", true);
    CliRun json = CliRun.of("inspect", zip.toString(), "-o", "json", "--temp-dir", tmp.toString());
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(new ObjectMapper().readTree(json.out()).at("/objects/configmaps/default").asLong()).isEqualTo(14);

    Path broken = Files.write(tmp.resolve("broken"), new byte[8192 + 32]);
    CliRun bad = CliRun.of("inspect", broken.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.out()).isEmpty();
    assertThat(bad.errLines()).singleElement().asString().isEqualTo("Snapshot " + broken + " cannot be read: "
        + "snapshot is not a readable bbolt database: meta page 0 has no bbolt magic; meta page 1 has no bbolt magic");
  }

  @Test
  void verifyContentReportsTheRevisionThenCompactedOnceTheMemberHasCompactedPastIt() throws Exception {
    Path snapshot = save("proof", true);
    long revision = new ObjectMapper().readTree(CliRun.of("inspect", snapshot.toString(), "-o", "json").out())
        .get("revision").asLong();

    CliRun verify = CliRun.of("verify", "--content", "--endpoints", endpoint, snapshot.toString());
    assertThat(verify.code()).as(verify.err()).isZero();
    assertThat(verify.out()).contains(", revision " + revision + ", content verified at revision " + revision
        + ": KV hash ");

    try (Client client = etcd.client(0)) {
      put(client, "/registry/configmaps/default/later");
      long head = client.getKVClient().get(bytes("x")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
      client.getKVClient().compact(head).get(10, TimeUnit.SECONDS);
    }
    CliRun compacted = CliRun.of("verify", "--content", "--endpoints", endpoint, snapshot.toString());
    assertThat(compacted.code()).isEqualTo(VerifyCommand.NOT_PROVEN);
    assertThat(compacted.errLines()).singleElement().asString()
        .startsWith("Content not proven: revision " + revision + " is compacted on etcd at " + endpoint);
  }
}
