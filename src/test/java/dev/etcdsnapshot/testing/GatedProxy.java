package dev.etcdsnapshot.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP forward proxy (a byte pipe to one target port; S3Proxy accepts the absolute-form requests a proxy client
 * sends) that lets a test reach into a process it cannot instrument (the CLI, via {@code --s3-proxy}): it counts
 * requests by method, and it can hold all client-to-server traffic once {@code holdAfter} bytes have gone through,
 * until {@link #release()}, so a test can do its damage at a known point of an upload.
 */
public final class GatedProxy implements AutoCloseable {

  private static final Pattern REQUEST_LINE = Pattern.compile("\n([A-Z]+) http://");

  /** Counted down when traffic is first held. */
  public final CountDownLatch held = new CountDownLatch(1);

  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicLong forwarded = new AtomicLong();
  private final long holdAfter;
  private final ServerSocket server;
  private final int targetPort;

  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

  /** A proxy that never holds traffic, for counting requests. */
  public GatedProxy(int targetPort) throws IOException {
    this(targetPort, Long.MAX_VALUE);
  }

  public GatedProxy(int targetPort, long holdAfter) throws IOException {
    this.targetPort = targetPort;
    this.holdAfter = holdAfter;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "gated-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** {@code http://127.0.0.1:<port>}, for {@code --s3-proxy}. */
  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /**
   * Requests seen with this method ({@code HEAD}, {@code GET}, ...): request lines found at the start of a line of
   * client-to-server traffic, those of connections refused because the server is down included. Exact for
   * requests without bodies; a body could in theory contain such a line.
   */
  public int requests(String method) {
    AtomicInteger n = requests.get(method);
    return n == null ? 0 : n.get();
  }

  /** Forgets the requests counted so far. */
  public void resetCounts() {
    requests.clear();
  }

  private final AtomicInteger cutsLeft = new AtomicInteger();
  private volatile long cutAfter = Long.MAX_VALUE;

  /**
   * Resets (TCP RST) the next {@code connections} connections once {@code afterBytes} of server-to-client traffic
   * have gone through on each: a download whose connection is reset mid-body.
   */
  public void resetResponses(int connections, long afterBytes) {
    cutAfter = afterBytes;
    cutsLeft.set(connections);
  }

  /** Lets held and further traffic through. */
  public void release() {
    released.countDown();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread connection = new Thread(() -> connect(client), "gated-proxy-connection");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /**
   * Reads the client's first bytes before connecting to the target, so that a request is counted even while the
   * server is down (the client then sees its connection closed, as with a dead server).
   */
  private void connect(Socket client) {
    try {
      byte[] first = new byte[64 * 1024];
      int n = client.getInputStream().read(first);
      if (n < 0) {
        client.close();
        return;
      }
      String carry = countRequestLines("\n", new String(first, 0, n, StandardCharsets.ISO_8859_1));
      Socket target;
      try {
        target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      } catch (IOException e) {
        client.close();
        return;
      }
      forwarded.addAndGet(n);
      target.getOutputStream().write(first, 0, n);
      pump(client.getInputStream(), target.getOutputStream(), true, carry, client, target);
      pump(target.getInputStream(), client.getOutputStream(), false, "\n", client, target);
    } catch (IOException e) {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void pump(InputStream in, OutputStream out, boolean gated, String tail, Socket a, Socket b) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      String carry = tail;
      long sent = 0;
      try (a; b) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          if (!gated && (sent += n) > cutAfter && cutsLeft.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
            a.setSoLinger(true, 0);
            b.setSoLinger(true, 0);
            return; // closing with linger 0 sends RST
          }
          if (gated) {
            carry = countRequestLines(carry, new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          }
          if (gated && forwarded.addAndGet(n) > holdAfter && released.getCount() > 0) {
            held.countDown();
            released.await(60, TimeUnit.SECONDS);
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // Either side closed: the connection is over.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "gated-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Counts the request lines in {@code text}, {@code carry} being the tail of the previous chunk; returns its tail. */
  private String countRequestLines(String carry, String text) {
    Matcher m = REQUEST_LINE.matcher(carry + text);
    while (m.find()) {
      if (m.end() > carry.length()) {
        requests.computeIfAbsent(m.group(1), k -> new AtomicInteger()).incrementAndGet();
      }
    }
    String all = carry + text;
    return all.substring(Math.max(0, all.length() - 24));
  }

  @Override
  public void close() throws IOException {
    released.countDown();
    server.close();
  }
}
