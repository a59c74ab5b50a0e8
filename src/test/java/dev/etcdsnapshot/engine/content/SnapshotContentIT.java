package dev.etcdsnapshot.engine.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdsnapshot.testing.EtcdCluster;
import dev.etcdsnapshot.testing.EtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader against files a real etcd 3.4 wrote: every figure is compared with what etcd itself says (etcdctl's
 * snapshot status, a range read of the live member at the same moment).
 */
class SnapshotContentIT {

  private static EtcdCluster etcd;
  private static Path snapshot;
  private static Map<String, KeyValue> liveAtSnapshot;
  private static long compactedAt;

  @TempDir static Path tmp;

  @BeforeAll
  static void writeAndSnapshot() throws Exception {
    etcd = EtcdCluster.start(1);
    EtcdProcess member = etcd.member(0);
    try (Client client = etcd.client(0)) {
      ContentFixtures.write(client);
      compactedAt = ContentFixtures.compactNow(client);
      ContentFixtures.writeMore(client);
      snapshot = tmp.resolve("snap.db");
      member.etcdctl("snapshot", "save", snapshot.toString());
      liveAtSnapshot = ContentFixtures.all(client);
    }
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void statusEqualsEtcdctlSnapshotStatus() throws Exception {
    String json = etcd.member(0).etcdctl("snapshot", "status", snapshot.toString(), "-w", "json");
    try (SnapshotContent content = SnapshotContent.open(snapshot)) {
      SnapshotStatus status = SnapshotStatus.of(content);
      assertThat(json).contains("\"hash\":" + status.hash() + ",")
          .contains("\"revision\":" + status.revision() + ",")
          .contains("\"totalKey\":" + status.totalKeys() + ",")
          .contains("\"totalSize\":" + status.totalSize() + "}");
      assertThat(status.fileSize()).isEqualTo(Files.size(snapshot));
      assertThat(content.trailer().ok()).isTrue();
    }
  }

  @Test
  void theNewestRevisionOfEachKeyIsWhatTheMemberServedAtTheSnapshot() throws Exception {
    try (SnapshotContent content = SnapshotContent.open(snapshot)) {
      Map<String, KeyValue> replayed = new HashMap<>();
      List<Long> mains = new ArrayList<>();
      content.forEachRevision(r -> {
        mains.add(r.main());
        String key = new String(r.key(), StandardCharsets.UTF_8);
        if (r.tombstone()) {
          replayed.remove(key);
        } else {
          replayed.put(key, r.keyValue());
        }
      });
      assertThat(mains).isSorted();
      assertThat(replayed).isEqualTo(liveAtSnapshot);
      // The overflow values (one within the reader's read-ahead, one beyond it) and the leased key survive byte for
      // byte.
      assertThat(replayed.get(ContentFixtures.BIG_KEY).getValue().size()).isEqualTo(ContentFixtures.BIG_VALUE);
      assertThat(replayed.get(ContentFixtures.HUGE_KEY).getValue().toByteArray())
          .isEqualTo(ContentFixtures.pattern(ContentFixtures.HUGE_VALUE, 17));
      assertThat(replayed.get(ContentFixtures.LEASED_KEY).getLease()).isNotZero();
    }
  }

  @Test
  void metaBucketHoldsTheCompactionAndTheConsistentIndex() throws Exception {
    try (SnapshotContent content = SnapshotContent.open(snapshot)) {
      EtcdMeta meta = content.etcdMeta();
      assertThat(meta.finishedCompactRevision()).isEqualTo(compactedAt);
      assertThat(meta.scheduledCompactRevision()).isEqualTo(compactedAt);
      assertThat(meta.consistentIndex()).isPositive();
      assertThat(content.boltMeta().pageSize()).isEqualTo(4096);
      assertThat(content.hasTrailer()).isTrue();
    }
  }

  @Test
  void aZippedSnapshotReadsTheSameAndLeavesNoTemporaryFile() throws Exception {
    Path zip = tmp.resolve("snap.zip");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry("snap"));
      Files.copy(snapshot, out);
      out.closeEntry();
    }
    Path temp = Files.createDirectory(tmp.resolve("inflate"));
    SnapshotStatus raw;
    try (SnapshotContent content = SnapshotContent.open(snapshot)) {
      raw = SnapshotStatus.of(content);
    }
    try (SnapshotContent content = SnapshotContent.open(zip, temp)) {
      assertThat(SnapshotStatus.of(content)).isEqualTo(raw);
      assertThat(content.trailer().ok()).isTrue();
      try (var files = Files.list(temp)) {
        assertThat(files.toList()).singleElement()
            .satisfies(p -> assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------"));
      }
    }
    try (var files = Files.list(temp)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  private static Path variant(String name, java.util.function.Consumer<byte[]> change, int length) throws Exception {
    byte[] bytes = Files.readAllBytes(snapshot);
    byte[] copy = java.util.Arrays.copyOf(bytes, length < 0 ? bytes.length : length);
    change.accept(copy);
    return Files.write(tmp.resolve(name), copy);
  }

  private static String refusal(Path file) {
    try (SnapshotContent content = SnapshotContent.open(file)) {
      SnapshotStatus.of(content);
      return null;
    } catch (SnapshotFormatException e) {
      return e.getMessage();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aTruncatedFileIsRefusedWithTheSizesNamed() throws Exception {
    long size = Files.size(snapshot);
    assertThat(refusal(variant("truncated", b -> { }, (int) size - 4096 - 32)))
        .startsWith("snapshot is truncated: its meta page says").endsWith("but the file has " + (size - 4096 - 32)
            + " bytes");
    assertThat(refusal(variant("tiny", b -> { }, 700))).isEqualTo("snapshot is truncated: 700 bytes cannot hold "
        + "bbolt's two meta pages");
  }

  @Test
  void bothMetaPagesBrokenIsRefusedAndOneBrokenMetaFallsBackToTheOther() throws Exception {
    assertThat(refusal(variant("meta0", b -> b[16 + 40] ^= 1, -1))).isNull(); // page 1 still valid
    assertThat(refusal(variant("metas", b -> {
      b[16 + 40] ^= 1;
      b[4096 + 16 + 40] ^= 1;
    }, -1))).isEqualTo("snapshot is not a readable bbolt database: meta page 0 fails its checksum; meta page 1 "
        + "fails its checksum");
    assertThat(refusal(variant("notbolt", b -> java.util.Arrays.fill(b, 0, 8192, (byte) 0), -1)))
        .isEqualTo("snapshot is not a readable bbolt database: meta page 0 has no bbolt magic; meta page 1 has no "
            + "bbolt magic");
  }

  @Test
  void aWrongPageSizeOrADamagedPageIsRefusedNamingThePage() throws Exception {
    // The file read as 8 KiB pages (the meta page rewritten with a valid checksum): page ids no longer line up.
    assertThat(refusal(variant("pagesize", b -> {
      for (int page = 0; page < 2; page++) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, page * 4096, 4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putInt(page * 4096 + 16 + 8, 8192);
        buf.putLong(page * 4096 + 16 + 40, buf.getLong(page * 4096 + 16 + 40) / 2); // high-water mark in 8 KiB pages
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < 56; i++) {
          h ^= b[page * 4096 + 16 + i] & 0xff;
          h *= 0x100000001b3L;
        }
        buf.putLong(page * 4096 + 16 + 56, h);
      }
    }, -1)))
        // Halving an odd page count leaves half a page past the new last page, refused as such before the walk;
        // an even one reaches the walk, where the page ids no longer line up. The member's file decides which.
        .matches("snapshot (is corrupt: .*|has \\d+ bytes after its last page .*)");
    // The root page's id overwritten.
    long root;
    try (SnapshotContent content = SnapshotContent.open(snapshot)) {
      root = content.boltMeta().rootPage();
    }
    assertThat(refusal(variant("badpage", b -> b[(int) root * 4096] ^= 0x7f, -1)))
        .startsWith("snapshot is corrupt: page " + root + " (offset " + root * 4096 + ") carries id");
    assertThat(refusal(variant("badflags", b -> b[(int) root * 4096 + 8] = 0x10, -1)))
        .isEqualTo("snapshot is corrupt: page " + root + " has flags 0x10 where the root bucket expects a branch "
            + "or leaf page");
  }

  @Test
  void bytesAfterThePagesOtherThanATrailerAndABadTrailerAreRefused() throws Exception {
    long size = Files.size(snapshot);
    assertThat(refusal(variant("garbage", b -> { }, (int) size + 5)))
        .startsWith("snapshot has 37 bytes after its last page");
    Path badTrailer = variant("trailer", b -> b[b.length - 1] ^= 1, -1);
    assertThat(refusal(badTrailer)).isNull(); // the structure is intact ...
    try (SnapshotContent content = SnapshotContent.open(badTrailer)) {
      assertThat(content.trailer().describe()).startsWith("expected sha256 "); // ... the trailer is not
    }
  }

  /**
   * A key-bucket entry that is not an etcd revision, in a file whose pages are all intact: the structure walk
   * passes it, and the refusal comes from the inventory that {@code inspect} reads on its second thread, which the
   * status must wait for and report (and so must the content proof's own reading).
   */
  @Test
  void aKeyBucketEntryThatIsNotARevisionIsRefusedByTheInventoryThread() throws Exception {
    byte[] first;
    try (SnapshotContent content = SnapshotContent.open(snapshot)) {
      first = content.revisions().next().rawKey();
    }
    Path bad = variant("not-a-revision", b -> {
      // Every copy ("<main>_<sub>" becomes "<main>-<sub>", still below the next key): bbolt's freed pages may
      // hold an old copy of the live leaf.
      int copies = 0;
      for (int at = indexOf(b, first, 0); at >= 0; at = indexOf(b, first, at + 1)) {
        b[at + 8] = '-';
        copies++;
      }
      assertThat(copies).as("the first revision's key is in the file").isPositive();
    }, -1);
    first[8] = '-';
    String expected = "snapshot is corrupt: bucket 'key' holds " + java.util.HexFormat.of().formatHex(first)
        + ", which is not an etcd revision";
    assertThat(refusal(bad)).isEqualTo(expected);
    try (SnapshotContent content = SnapshotContent.open(bad)) {
      assertThatThrownBy(() -> KvHash.index(content)).hasMessage(expected);
    }
  }

  /**
   * A revision rewritten to sort before all others (main revision 0), in the middle of the key bucket: the walk
   * refuses the file naming the page where the order breaks, whether the key before it lies on the same leaf or on
   * one the reader has since read past.
   */
  @Test
  void keysOutOfOrderAreRefusedNamingThePage() throws Exception {
    byte[] middle;
    try (SnapshotContent content = SnapshotContent.open(snapshot)) {
      List<byte[]> keys = new ArrayList<>();
      content.forEachRevision(r -> keys.add(r.rawKey()));
      middle = keys.get(keys.size() / 2);
    }
    Path bad = variant("out-of-order", b -> {
      int copies = 0;
      for (int at = indexOf(b, middle, 0); at >= 0; at = indexOf(b, middle, at + 1)) {
        java.util.Arrays.fill(b, at, at + 8, (byte) 0);
        copies++;
      }
      assertThat(copies).as("the revision's key is in the file").isPositive();
    }, -1);
    assertThat(refusal(bad)).matches("snapshot is corrupt: bucket 'key': its keys are out of order on page \\d+");
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Writes that exercise the format: many keys, updates, deletions, a lease, a value spanning pages. */
  static final class ContentFixtures {
    static final String BIG_KEY = "/registry/configmaps/default/big";
    static final String LEASED_KEY = "/registry/leases/kube-system/leader";
    static final int BIG_VALUE = 200 * 1024;
    /** Larger than the reader's read-ahead (1 MiB), so its page is read on its own; under etcd's 1.5 MiB limit. */
    static final String HUGE_KEY = "/registry/secrets/default/huge";
    static final int HUGE_VALUE = 1280 * 1024;

    static void write(Client client) throws Exception {
      for (int i = 0; i < 400; i++) {
        put(client, "/registry/configmaps/ns" + (i % 4) + "/cm-" + i, "v" + i);
      }
      for (int i = 0; i < 100; i++) {
        put(client, "/registry/configmaps/ns0/cm-" + (i * 4), "updated" + i);
      }
      for (int i = 0; i < 50; i++) {
        client.getKVClient().delete(bytes("/registry/configmaps/ns1/cm-" + (i * 4 + 1))).get(10, TimeUnit.SECONDS);
      }
      put(client, "/registry/namespaces/ns0", "ns");
      put(client, "/registry/apiregistration.k8s.io/apiservices/v1.apps", "svc");
      put(client, "/registry/example.com/widgets/ns2/w1", "{}");
      put(client, "/other/key", "not kubernetes");
      client.getKVClient().put(bytes(HUGE_KEY), ByteSequence.from(pattern(HUGE_VALUE, 17))).get(10, TimeUnit.SECONDS);
    }

    static byte[] pattern(int size, int step) {
      byte[] bytes = new byte[size];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) (i * step);
      }
      return bytes;
    }

    static long compactNow(Client client) throws Exception {
      long rev = client.getKVClient().get(bytes("/registry/namespaces/ns0")).get(10, TimeUnit.SECONDS)
          .getHeader().getRevision();
      client.getKVClient().compact(rev, io.etcd.jetcd.options.CompactOption.newBuilder().withCompactPhysical(true)
          .build()).get(10, TimeUnit.SECONDS);
      return rev;
    }

    static void writeMore(Client client) throws Exception {
      long lease = client.getLeaseClient().grant(600).get(10, TimeUnit.SECONDS).getID();
      client.getKVClient().put(bytes(LEASED_KEY), bytes("holder"), PutOption.builder().withLeaseId(lease).build())
          .get(10, TimeUnit.SECONDS);
      client.getKVClient().put(bytes(BIG_KEY), ByteSequence.from(pattern(BIG_VALUE, 31))).get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 30; i++) {
        put(client, "/registry/configmaps/ns2/cm-" + (i * 4 + 2), "after-compaction" + i);
      }
      client.getKVClient().delete(bytes("/registry/configmaps/ns3/cm-3")).get(10, TimeUnit.SECONDS);
      client.getKVClient().delete(bytes("/registry/configmaps/ns3/cm-7")).get(10, TimeUnit.SECONDS);
      put(client, "/registry/configmaps/ns3/cm-7", "recreated");
    }

    static Map<String, KeyValue> all(Client client) throws Exception {
      Map<String, KeyValue> all = new HashMap<>();
      for (io.etcd.jetcd.KeyValue kv : client.getKVClient().get(bytes("\0"),
          io.etcd.jetcd.options.GetOption.builder().withRange(bytes("\u00ff")).build()).get(10, TimeUnit.SECONDS)
          .getKvs()) {
        all.put(kv.getKey().toString(StandardCharsets.UTF_8), KeyValue.newBuilder()
            .setKey(com.google.protobuf.ByteString.copyFrom(kv.getKey().getBytes()))
            .setCreateRevision(kv.getCreateRevision()).setModRevision(kv.getModRevision())
            .setVersion(kv.getVersion()).setValue(com.google.protobuf.ByteString.copyFrom(kv.getValue().getBytes()))
            .setLease(kv.getLease()).build());
      }
      return all;
    }

    static void put(Client client, String key, String value) throws Exception {
      client.getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
    }

    static ByteSequence bytes(String s) {
      return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
  }
}
