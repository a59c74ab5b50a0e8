package dev.etcdsnapshot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.file.SnapshotIntegrityTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line without etcd: parsing, listing, deleting, pruning, verifying, and the one-line errors. */
class CliTest {

  @TempDir Path tmp;
  private Path dir;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createDirectory(tmp.resolve("snapshots"));
  }

  private CliRun run(String... args) {
    return CliRun.of(args);
  }

  private void snapshotFile(String name) throws Exception {
    Files.write(dir.resolve(name), SnapshotIntegrityTestData.snapshotBytes(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "save", "ls", "list", "l", "delete", "prune", "verify", "get", "diff"})
  void everyCommandHasHelp(String command) {
    CliRun run = command.isEmpty() ? run("--help") : run(command, "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("Usage: etcd-snapshot-operator");
  }

  @Test
  void saveHelpShowsK3sFlagNamesAndAliases() {
    String help = run("save", "--help").out();
    assertThat(help).contains("--endpoints", "--cacert", "--cert", "--key", "--node-name", "--dir",
        "--etcd-snapshot-dir", "--name", "--snapshot-compress", "--etcd-snapshot-compress", "--snapshot-retention",
        "--etcd-snapshot-retention", "https://127.0.0.1:2379");
  }

  /** What --s3-retention does on save, said where a user reads it: the default on-demand name prunes nothing. */
  @Test
  void saveHelpSaysOnDemandSnapshotsAreNotPrunedBySave() {
    String help = run("save", "--help").out().replaceAll("\\s+", " ");
    assertThat(help).contains("It prunes S3 only when --s3-retention is given and --name does not start with "
        + "on-demand: with the default name it prunes nothing.")
        .contains("never when --name starts with on-demand (the default): on-demand snapshots are pruned only by "
            + "prune");
  }

  @Test
  void lsPrintsATabwriterTableOldestFirst() throws Exception {
    snapshotFile("on-demand-n1-1700000100");
    snapshotFile("etcd-snapshot-n1-1700000000");

    CliRun run = run("ls", "--dir", dir.toString(), "--node-name", "n1");

    assertThat(run.code()).isZero();
    String loc = "file://" + dir;
    String[] lines = run.out().split("\n");
    int nameWidth = "etcd-snapshot-n1-1700000000".length() + 1;
    int locWidth = (loc + "/etcd-snapshot-n1-1700000000").length() + 1;
    assertThat(lines).containsExactly(
        pad("Name", nameWidth) + pad("Location", locWidth) + "Size Created",
        pad("etcd-snapshot-n1-1700000000", nameWidth) + pad(loc + "/etcd-snapshot-n1-1700000000", locWidth)
            + "4128 " + local(1700000000),
        pad("on-demand-n1-1700000100", nameWidth) + pad(loc + "/on-demand-n1-1700000100", locWidth)
            + "4128 " + local(1700000100));
  }

  /** Go formats time.Unix in time.Local (TZ): Z only for UTC, else the offset (k3s pkg/cli/etcdsnapshot). */
  private static String local(long seconds) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX")
        .format(java.time.Instant.ofEpochSecond(seconds).atZone(java.time.ZoneId.systemDefault()));
  }

  @Test
  void lsTableShowsCreatedInTheHostsZoneAsK3sDoes() {
    dev.etcdsnapshot.storage.StoredSnapshot s = new dev.etcdsnapshot.storage.StoredSnapshot("on-demand-n1-1700000000",
        dev.etcdsnapshot.storage.StorageKind.LOCAL, "file:///s/on-demand-n1-1700000000", 1,
        java.time.Instant.ofEpochSecond(1700000000), "n1", null, Map.of());
    assertThat(SnapshotListing.table(List.of(s), java.time.ZoneId.of("Europe/Berlin")))
        .endsWith(" 1    2023-11-14T23:13:20+01:00\n");
    assertThat(SnapshotListing.table(List.of(s), java.time.ZoneId.of("UTC"))).endsWith(" 1    2023-11-14T22:13:20Z\n");
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  @Test
  void lsJsonAndYamlAreKubernetesListsNamedByLegacyKey() throws Exception {
    snapshotFile("on-demand-n1-1700000100");

    CliRun json = run("list", "--dir", dir.toString(), "--node-name", "n1", "-o", "json");
    CliRun yaml = run("l", "--dir", dir.toString(), "--node-name", "n1", "--output", "yaml");

    assertThat(json.code()).isZero();
    // k3s's ETCDSnapshotFileList through Go's json.Encoder: struct field order, one line.
    String loc = "file://" + dir + "/on-demand-n1-1700000100";
    assertThat(json.out()).isEqualTo("{\"kind\":\"List\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[{"
        + "\"kind\":\"ETCDSnapshotFile\",\"apiVersion\":\"k3s.cattle.io/v1\",\"metadata\":{"
        + "\"name\":\"local-on-demand-n1-1700000100\",\"creationTimestamp\":null,"
        + "\"labels\":{\"etcd.k3s.cattle.io/snapshot-storage-node\":\"n1\"}},"
        + "\"spec\":{\"snapshotName\":\"on-demand-n1-1700000100\",\"nodeName\":\"n1\",\"location\":\"" + loc + "\"},"
        + "\"status\":{\"readyToUse\":true,\"creationTime\":\"2023-11-14T22:15:00Z\",\"size\":\"4128\"}}]}\n");
    // sigs.k8s.io/yaml: keys sorted, strings that would read as something else quoted.
    assertThat(yaml.out()).isEqualTo(String.join("\n",
        "apiVersion: v1",
        "items:",
        "- apiVersion: k3s.cattle.io/v1",
        "  kind: ETCDSnapshotFile",
        "  metadata:",
        "    creationTimestamp: null",
        "    labels:",
        "      etcd.k3s.cattle.io/snapshot-storage-node: n1",
        "    name: local-on-demand-n1-1700000100",
        "  spec:",
        "    location: " + loc,
        "    nodeName: n1",
        "    snapshotName: on-demand-n1-1700000100",
        "  status:",
        "    creationTime: \"2023-11-14T22:15:00Z\"",
        "    readyToUse: true",
        "    size: \"4128\"",
        "kind: List",
        "metadata: {}",
        ""));
  }

  @Test
  void goYamlQuotesWhatYamlWouldReadAsAnotherType() {
    assertThat(List.of("", "true", "yes", "Off", "null", "~", "12", "-3", "0x1f", "1.5", "1e3", "2023-11-14",
        "2023-11-14T22:15:00Z", ": x", "#c", "- a", "a: b", "a #b", " lead", "trail ", "*ref", "12:30"))
        .allMatch(GoYaml::needsQuotes);
    assertThat(List.of("n1", "k3s.cattle.io/v1", "file:///var/lib/x", "on-demand-n1-1700000100", "340k", "s3",
        "etcd.k3s.cattle.io/snapshot-storage-node", "a:b")).noneMatch(GoYaml::needsQuotes);
  }

  /** rke2 etcd-snapshot ls lists /var/lib/rancher/rke2/server/db/snapshots unless told otherwise. */
  @Test
  void lsWithTheRke2FlavorDefaultsToRke2sDirectory() {
    // Not run against the real default: as root it would create that directory on the test machine.
    StorageOptions none = new StorageOptions();
    assertThat(none.directory(dev.etcdsnapshot.model.Flavor.RKE2))
        .isEqualTo(Path.of("/var/lib/rancher/rke2/server/db/snapshots"));
    assertThat(none.directory(dev.etcdsnapshot.model.Flavor.K3S)).isEqualTo(Path.of(StorageOptions.DEFAULT_DIR));
    CliRun run = run("ls", "--flavor", "rke2", "--dir", dir.toString(), "--node-name", "n1", "-o", "yaml");
    assertThat(run.code()).as(run.err()).isZero();
  }

  @Test
  void lsRefusesAnUnknownFormat() {
    CliRun run = run("ls", "--dir", dir.toString(), "-o", "xml");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly("invalid output format: xml");
  }

  @Test
  void deleteSaysWhatItDeletedAndWhatWasNotFound() throws Exception {
    snapshotFile("on-demand-n1-1");
    Files.createDirectories(tmp.resolve(".metadata"));
    Files.writeString(tmp.resolve(".metadata/on-demand-n1-1"), "{}");

    CliRun run = run("delete", "--dir", dir.toString(), "on-demand-n1-1", "missing-n1-2");

    assertThat(run.out()).isEqualTo("Snapshot on-demand-n1-1 deleted.\n");
    assertThat(run.errLines()).containsExactly("Snapshot missing-n1-2 not found.");
    assertThat(run.code()).isEqualTo(1);
    assertThat(dir.resolve("on-demand-n1-1")).doesNotExist();
    assertThat(tmp.resolve(".metadata/on-demand-n1-1")).doesNotExist();
  }

  @Test
  void deleteTakesTheNodeLockAndDeletesNothingWhileASaveRuns() throws Exception {
    snapshotFile("on-demand-n1-1");
    try (var save = dev.etcdsnapshot.engine.NodeLock.acquire(new dev.etcdsnapshot.storage.local.LocalSnapshotStore(
        dir, false, "n1", dev.etcdsnapshot.engine.SnapshotNames::parseTimestamp))) {
      CliRun run = run("delete", "--dir", dir.toString(), "--node-name", "n1", "on-demand-n1-1");
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.errLines()).containsExactly("nothing deleted: a save of node n1 is running in " + dir
          + "; run delete again when it has finished");
      assertThat(dir.resolve("on-demand-n1-1")).exists();
    }
    CliRun after = run("delete", "--dir", dir.toString(), "--node-name", "n1", "on-demand-n1-1");
    assertThat(after.out()).isEqualTo("Snapshot on-demand-n1-1 deleted.\n");
    assertThat(dir.resolve("on-demand-n1-1")).doesNotExist();
  }

  @Test
  void pruneWithRetentionZeroIsRefusedAndDeletesNothing() throws Exception {
    snapshotFile("on-demand-n1-1");
    snapshotFile("on-demand-n1-2");
    CliRun run = run("prune", "--dir", dir.toString(), "--snapshot-retention", "0");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString()
        .startsWith("--snapshot-retention 0 keeps every snapshot (0 means keep all, as in k3s)");
    assertThat(dir.resolve("on-demand-n1-1")).exists();
    assertThat(dir.resolve("on-demand-n1-2")).exists();
  }

  @Test
  void deleteNeedsANameAndRefusesPaths() throws Exception {
    assertThat(run("delete", "--dir", dir.toString()).errLines()).containsExactly("no snapshots given for removal");
    Files.writeString(tmp.resolve("precious"), "x");
    CliRun escape = run("delete", "--dir", dir.toString(), "../precious");
    assertThat(escape.code()).isEqualTo(1);
    assertThat(escape.errLines()).singleElement().asString().startsWith("invalid snapshot file name \"../precious\"");
    assertThat(tmp.resolve("precious")).exists();
  }

  @Test
  void prunePrunesOnDemandByDefaultKeepingTheNewest() throws Exception {
    for (int t = 1; t <= 4; t++) {
      snapshotFile("on-demand-n1-" + t);
    }
    snapshotFile("etcd-snapshot-n1-1");

    CliRun run = run("prune", "--dir", dir.toString(), "--snapshot-retention", "2");

    assertThat(run.code()).isZero();
    assertThat(run.out()).isEqualTo("Snapshot on-demand-n1-2 deleted.\nSnapshot on-demand-n1-1 deleted.\n");
    assertThat(dir.resolve("etcd-snapshot-n1-1")).exists();
    assertThat(run("prune", "--dir", dir.toString(), "--name", "etcd-snapshot", "--etcd-snapshot-retention", "1")
        .out()).isEmpty();
  }

  @Test
  void badRetentionIsOneLine() {
    CliRun negative = run("prune", "--dir", dir.toString(), "--snapshot-retention", "-1");
    CliRun text = run("prune", "--dir", dir.toString(), "--snapshot-retention", "many");
    assertThat(negative.code()).isEqualTo(1);
    assertThat(negative.errLines()).containsExactly("--snapshot-retention must be 0 or more, got -1");
    assertThat(text.code()).isEqualTo(2);
    assertThat(text.errLines()).singleElement().asString().contains("'many' is not an int");
  }

  @Test
  void badCompressThreadsAreRefusedBeforeEtcdIsTouched() {
    CliRun zero = run("save", "--dir", dir.toString(), "--snapshot-compress", "--compress-threads", "0");
    assertThat(zero.code()).isEqualTo(1);
    assertThat(zero.errLines()).containsExactly("--compress-threads must be 1 or more, got 0");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void verifyReportsOkAndCorruption() throws Exception {
    snapshotFile("on-demand-n1-1");
    byte[] bad = SnapshotIntegrityTestData.snapshotBytes(1);
    bad[10] ^= 1;
    Files.write(tmp.resolve("bad.db"), bad);

    CliRun ok = run("verify", "--dir", dir.toString(), "on-demand-n1-1");
    CliRun corrupt = run("verify", "--dir", dir.toString(), tmp.resolve("bad.db").toString());
    CliRun missing = run("verify", "--dir", dir.toString(), "nope");

    assertThat(ok.code()).isZero();
    assertThat(ok.out()).startsWith("Snapshot " + dir.resolve("on-demand-n1-1") + " OK: 4128 bytes, sha256 ");
    assertThat(corrupt.code()).isEqualTo(1);
    assertThat(corrupt.errLines()).singleElement().asString()
        .startsWith("Snapshot " + tmp.resolve("bad.db") + " is corrupt: expected sha256 ");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.errLines()).containsExactly(dir.resolve("nope") + ": no such snapshot file");
  }

  @Test
  void verifyOfACorruptOrNonZipZipIsOneLineNamingTheFile() throws Exception {
    Path notZip = dir.resolve("on-demand-n1-2.zip");
    Files.write(notZip, SnapshotIntegrityTestData.snapshotBytes(1));
    Path good = tmp.resolve("good.zip");
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(good))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("on-demand-n1-3"));
      zip.write(SnapshotIntegrityTestData.snapshotBytes(64));
    }
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = dir.resolve("on-demand-n1-3.zip");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Path garbled = dir.resolve("on-demand-n1-4.zip");
    bytes[60] ^= (byte) 0xff;
    bytes[61] ^= (byte) 0xff;
    Files.write(garbled, bytes);

    for (Path bad : List.of(notZip, truncated, garbled)) {
      CliRun verify = run("verify", "--dir", dir.toString(), bad.getFileName().toString());
      assertThat(verify.code()).as(verify.err()).isEqualTo(1);
      assertThat(verify.errLines()).as(bad.toString()).singleElement().asString()
          .startsWith(bad + ": not a k3s snapshot zip: ").doesNotContain("Exception", "\tat ");
      assertThat(verify.out()).isEmpty();
    }
    assertThat(run("verify", "--dir", dir.toString(), notZip.getFileName().toString()).err())
        .contains("no entry (an empty archive, or not a zip file at all)");
    assertThat(run("verify", "--dir", dir.toString(), truncated.getFileName().toString()).err())
        .contains(": not a k3s snapshot zip: truncated (");
  }

  @Test
  void saveRefusesBadInputBeforeConnecting() {
    assertThat(run("save", "--dir", dir.toString(), "--name", "../x").errLines()).singleElement().asString()
        .startsWith("invalid snapshot name \"../x\"");
    assertThat(run("save", "--dir", dir.toString(), "--node-name", "a/b").errLines()).singleElement().asString()
        .startsWith("invalid node name \"a/b\"");
    assertThat(run("save", "--dir", dir.toString(), "--cacert", tmp.resolve("ca.pem").toString()).errLines())
        .containsExactly("--cacert: file " + tmp.resolve("ca.pem") + " does not exist");
    assertThat(run("save", "--dir", dir.toString(), "--cert", tmp.resolve("c.pem").toString()).errLines())
        .containsExactly("--cert: file " + tmp.resolve("c.pem") + " does not exist");
    assertThat(run("save", "--dir", dir.toString(), "--key", tmp.resolve("k.pem").toString()).errLines())
        .containsExactly("--key: file " + tmp.resolve("k.pem") + " does not exist");
    assertThat(run("save", "--dir", dir.toString(), "--endpoints", "127.0.0.1:2379").errLines()).singleElement()
        .asString().startsWith("--endpoints: invalid etcd endpoint \"127.0.0.1:2379\"");
    assertThat(run("save", "--dir", dir.toString(), "--endpoints", "http://a:1,http://b:2").errLines())
        .containsExactly("--endpoints: a snapshot is taken from exactly one etcd member, got 2 endpoints");
    assertThat(run("save", "--dir", dir.toString(), "extra").code()).isEqualTo(2);
  }

  @Test
  void unreadableTlsFilesAreOneLineNamingTheFlag() throws Exception {
    Path garbage = Files.writeString(tmp.resolve("garbage.pem"), "not pem");
    CliRun badKey = run("save", "--dir", dir.toString(), "--cert", garbage.toString(), "--key", garbage.toString());
    CliRun badCa = run("save", "--dir", dir.toString(), "--cacert", garbage.toString());
    assertThat(badKey.code()).isEqualTo(1);
    assertThat(badKey.errLines()).containsExactly("--key: no PEM private key found in " + garbage);
    assertThat(badCa.errLines()).singleElement().asString().startsWith("--cacert: cannot read certificates from ");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void missingOrNonDirectoryDirsAreOneLine() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    CliRun missing = run("ls", "--dir", tmp.resolve("nope").toString());
    CliRun notDir = run("ls", "--dir", file.toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.errLines()).containsExactly(tmp.resolve("nope") + ": snapshot directory does not exist");
    assertThat(notDir.errLines()).containsExactly(file + " is not a directory");
  }

  @Test
  void unknownOptionsAreOneLineWithAHelpHint() {
    CliRun run = run("ls", "--bogus");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.errLines()).containsExactly("Unknown option: '--bogus' (see 'etcd-snapshot-operator ls --help')");
  }

  /**
   * A run registers only the subcommand it names (picocli's model of all of them was most of a short run's start-up),
   * and nothing a user sees changes: top-level help lists every command, an unknown one is still the same usage
   * error, and the inherited --debug still reaches the subcommand.
   */
  @Test
  void aRunRegistersTheCommandItNamesAndHelpAndTyposStillSeeThemAll() {
    assertThat(Cli.subcommandsFor("inspect", "x", "-o", "json")).containsExactly(InspectCommand.class);
    assertThat(Cli.subcommandsFor("--debug", "list", "--dir", "x")).containsExactly(ListCommand.class);
    assertThat(Cli.subcommandsFor("inpsect")).isEqualTo(EtcdSnapshotCommand.SUBCOMMANDS);
    assertThat(Cli.subcommandsFor("--help")).isEqualTo(EtcdSnapshotCommand.SUBCOMMANDS);

    String help = run("--help").out();
    for (String command : List.of("save", "ls", "delete", "prune", "verify", "inspect", "download", "get", "diff",
        "operator")) {
      assertThat(help).containsPattern("\\n  " + command + "(, [a-z]+)* +\\S");
    }
    assertThat(help.indexOf("\n  save")).isLessThan(help.indexOf("\n  ls")); // help order kept
    assertThat(help.indexOf("\n  diff")).isLessThan(help.indexOf("\n  operator"));

    CliRun typo = run("inpsect", "x");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.errLines()).containsExactly("Unmatched arguments from index 0: 'inpsect', 'x' (see "
        + "'etcd-snapshot-operator --help')");

    CliRun debug = run("inspect", "--debug", tmp.resolve("missing").toString());
    assertThat(debug.code()).isEqualTo(1);
    assertThat(debug.err()).contains("no such snapshot file").contains("\tat ");
  }
}
