package dev.etcdsnapshot.engine.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes k3s's snapshot archive (k3s-compat §5.2): a zip holding exactly one Deflate entry, compressed on several
 * threads. The input is cut into blocks that are deflated independently, each primed with the last 32 KiB of the
 * block before it and ended with a sync flush, so that their concatenation is one ordinary Deflate stream of
 * nearly the size a single thread would produce (the technique of pigz). Memory is bounded by the blocks in
 * flight, whatever the snapshot's size.
 *
 * <p>{@link java.util.zip.ZipOutputStream} cannot take data deflated elsewhere, so the zip records around the data
 * are our own ({@link SingleEntryZipRecords}).
 */
public final class SnapshotZipWriter {

  /**
   * The Deflate level snapshots are compressed with. Measured on a 523 MB database of Kubernetes-like objects
   * (BENCHMARKS.md): level 6 (zlib's default, Info-ZIP's and Go's) took 13.3 s of CPU for 197.0 MiB, level 5
   * 10.5 s for 198.5 MiB, level 4 8.8 s for 200.0 MiB, level 3 5.9 s for 210.7 MiB. Level 4 costs 1.5% in size
   * and saves a third of the CPU, which is taken from the etcd node; below it the size grows by 7%.
   */
  public static final int DEFAULT_LEVEL = 4;

  /** Input bytes per block: large enough that the per-block flush and dictionary cost nothing measurable. */
  static final int BLOCK = 512 * 1024;

  /** Deflate's window: what a block may refer back to in the one before. */
  private static final int DICTIONARY = 32 * 1024;

  /** An empty final fixed-Huffman block: ends a Deflate stream whose last block was sync-flushed. */
  private static final byte[] FINAL_EMPTY_BLOCK = {0x03, 0x00};


  /** Past four threads, compression is rarely what a snapshot waits for; the disk or the network is. */
  private static final int MAX_DEFAULT_THREADS = 4;

  private final int threads;
  private final int level;
  private final boolean forceZip64;

  /**
   * @param threads blocks deflated at the same time; 1 compresses on the calling thread
   * @param level the Deflate level, 1 (fastest) to 9 ({@link Deflater#DEFAULT_COMPRESSION} is zlib's 6)
   */
  public SnapshotZipWriter(int threads, int level) {
    this(threads, level, false);
  }

  SnapshotZipWriter(int threads, int level, boolean forceZip64) {
    requireThreads("compression threads", threads);
    if (level != Deflater.DEFAULT_COMPRESSION && (level < 1 || level > 9)) {
      throw new IllegalArgumentException("compression level must be 1 to 9, got " + level);
    }
    this.threads = threads;
    this.level = level;
    this.forceZip64 = forceZip64;
  }

  /**
   * Checks a thread count given by a user.
   *
   * @param name what to call it in the message: the flag or field that set it
   * @throws IllegalArgumentException when it is below 1
   */
  public static int requireThreads(String name, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(name + " must be 1 or more, got " + threads);
    }
    return threads;
  }

  /**
   * Threads for compression in the background (the operator's agents): half the processors, at least one, at most
   * four, because etcd and the API server run on the same node.
   */
  public static int threadsBesideEtcd() {
    return Math.max(1, Math.min(MAX_DEFAULT_THREADS, Runtime.getRuntime().availableProcessors() / 2));
  }

  /**
   * Threads for compression someone waits for (the CLI's {@code save}): every processor, at most four, as pigz
   * does; {@code --compress-threads 1} compresses on one, as k3s does.
   */
  public static int threadsForCommand() {
    return Math.max(1, Math.min(MAX_DEFAULT_THREADS, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Writes a zip with the single entry {@code entryName} holding every byte of {@code in}; {@code out} is neither
   * buffered nor closed here.
   *
   * @param time the entry's modification time (the snapshot time)
   * @return the number of uncompressed bytes archived
   */
  public long write(InputStream in, OutputStream out, String entryName, Instant time) throws IOException {
    byte[] name = entryName.getBytes(StandardCharsets.UTF_8);
    long dosTime = SingleEntryZipRecords.dosTime(time);
    long mtime = time.getEpochSecond();
    Counting sink = new Counting(out);
    sink.write(SingleEntryZipRecords.localHeader(name, dosTime, mtime));
    long dataStart = sink.count;
    Body body = threads == 1 ? compressInline(in, sink) : compressInParallel(in, sink);
    sink.write(FINAL_EMPTY_BLOCK);
    long compressed = sink.count - dataStart;
    // As Java's and Go's writers do, the data descriptor carries 8-byte sizes exactly when a size needs them;
    // readers that look at it (java.util.zip.ZipInputStream) decide by the sizes they inflated.
    boolean bigSizes = body.size >= SingleEntryZipRecords.ZIP64_LIMIT
        || compressed >= SingleEntryZipRecords.ZIP64_LIMIT;
    sink.write(SingleEntryZipRecords.dataDescriptor(body.crc, compressed, body.size, bigSizes));
    long centralStart = sink.count;
    boolean zip64 = forceZip64 || bigSizes || centralStart >= SingleEntryZipRecords.ZIP64_LIMIT;
    byte[] central = SingleEntryZipRecords.centralHeader(name, dosTime, mtime, body.crc, compressed, body.size,
        zip64);
    sink.write(central);
    if (zip64) {
      long zip64End = sink.count;
      sink.write(SingleEntryZipRecords.zip64EndRecord(central.length, centralStart));
      sink.write(SingleEntryZipRecords.zip64Locator(zip64End));
    }
    sink.write(SingleEntryZipRecords.endRecord(central.length, centralStart, zip64));
    return body.size;
  }

  /** CRC and size of the entry's uncompressed bytes. */
  private record Body(long crc, long size) {}

  private Body compressInline(InputStream in, Counting sink) throws IOException {
    CRC32 crc = new CRC32();
    long size = 0;
    byte[] block = new byte[BLOCK];
    byte[] dictionary = null;
    for (int n = fill(in, block); n > 0; n = fill(in, block)) {
      crc.update(block, 0, n);
      size += n;
      sink.write(deflate(block, n, dictionary));
      dictionary = tail(block, n);
    }
    return new Body(crc.getValue(), size);
  }

  private Body compressInParallel(InputStream in, Counting sink) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, compressorThreads());
    Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
    int maxInFlight = threads * 2;
    try {
      CRC32 crc = new CRC32();
      long size = 0;
      byte[] dictionary = null;
      while (true) {
        while (!inFlight.isEmpty() && (inFlight.size() >= maxInFlight || inFlight.peekFirst().isDone())) {
          sink.write(await(inFlight.removeFirst()));
        }
        byte[] block = new byte[BLOCK];
        int n = fill(in, block);
        if (n == 0) {
          break;
        }
        crc.update(block, 0, n);
        size += n;
        byte[] primer = dictionary;
        inFlight.addLast(pool.submit(() -> deflate(block, n, primer)));
        dictionary = tail(block, n);
      }
      while (!inFlight.isEmpty()) {
        sink.write(await(inFlight.removeFirst()));
      }
      return new Body(crc.getValue(), size);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Deflates one block into a byte-aligned piece of the stream; never the final block (see FINAL_EMPTY_BLOCK). */
  private byte[] deflate(byte[] block, int length, byte[] dictionary) {
    Deflater deflater = new Deflater(level, true);
    try {
      if (dictionary != null) {
        deflater.setDictionary(dictionary);
      }
      deflater.setInput(block, 0, length);
      byte[] out = new byte[length + length / 8 + 64];
      int written = 0;
      while (true) {
        written += deflater.deflate(out, written, out.length - written, Deflater.SYNC_FLUSH);
        if (written < out.length) {
          // A sync flush that left room in the buffer has emitted everything it was given.
          return Arrays.copyOf(out, written);
        }
        out = Arrays.copyOf(out, out.length * 2);
      }
    } finally {
      deflater.end();
    }
  }

  private static byte[] await(Future<byte[]> piece) throws IOException {
    try {
      return piece.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("compression was interrupted");
    } catch (ExecutionException e) {
      throw new IOException("compression failed: " + Messages.of(e.getCause()), e.getCause());
    }
  }

  /** Reads until the block is full or the input ends; returns the bytes read. */
  private static int fill(InputStream in, byte[] block) throws IOException {
    int n = 0;
    while (n < block.length) {
      int r = in.read(block, n, block.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    return n;
  }

  private static byte[] tail(byte[] block, int length) {
    return Arrays.copyOfRange(block, Math.max(0, length - DICTIONARY), length);
  }

  private static java.util.concurrent.ThreadFactory compressorThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "snapshot-compress-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Counts what passes, for the offsets the zip records hold. */
  private static final class Counting {
    private final OutputStream out;
    private long count;

    Counting(OutputStream out) {
      this.out = out;
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
      count += bytes.length;
    }
  }
}
