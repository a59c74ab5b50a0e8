package dev.etcdsnapshot.operator;

import dev.etcdsnapshot.engine.SnapshotSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake of our {@link SnapshotSource}, not of etcd: it streams the bytes of a real etcd snapshot (the fixture
 * {@code fixtures/etcd-3.4-one-key.db}, see its README) as the member would, and counts the streams, so a test can
 * tell how many saves the operator really took.
 */
final class FixtureSource implements SnapshotSource {

  /** The fixture's bytes: a real etcd 3.4.23 snapshot. */
  static final byte[] BYTES = load();

  private final AtomicInteger streams = new AtomicInteger();

  @Override
  public long writeTo(OutputStream out) throws IOException {
    streams.incrementAndGet();
    out.write(BYTES);
    return BYTES.length;
  }

  @Override
  public String describe() {
    return "the etcd snapshot fixture";
  }

  /** How many snapshots were streamed. */
  int streams() {
    return streams.get();
  }

  private static byte[] load() {
    try (InputStream in = FixtureSource.class.getResourceAsStream("/fixtures/etcd-3.4-one-key.db")) {
      if (in == null) {
        throw new IllegalStateException("the fixture fixtures/etcd-3.4-one-key.db is missing from the test classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
