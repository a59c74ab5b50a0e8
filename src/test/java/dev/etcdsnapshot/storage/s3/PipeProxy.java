package dev.etcdsnapshot.storage.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The smallest HTTP forward proxy that proves traffic went through it: every connection is piped to one target
 * port (the S3 server, which accepts the absolute-form request line a proxy client sends), and the first request
 * line of each connection is recorded.
 */
final class PipeProxy implements AutoCloseable {

  final List<String> firstRequestLines = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final int targetPort;

  PipeProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "pipe-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        pump(client.getInputStream(), target.getOutputStream(), true, client, target);
        pump(target.getInputStream(), client.getOutputStream(), false, client, target);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(InputStream in, OutputStream out, boolean sniff, Socket a, Socket b) {
    Thread t = new Thread(() -> {
      ByteArrayOutputStream line = sniff ? new ByteArrayOutputStream() : null;
      byte[] buf = new byte[64 * 1024];
      try (a; b) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          if (line != null) {
            for (int i = 0; i < n && line != null; i++) {
              if (buf[i] == '\r' || buf[i] == '\n') {
                firstRequestLines.add(line.toString(StandardCharsets.US_ASCII));
                line = null;
              } else {
                line.write(buf[i]);
              }
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // Either side closed: the connection is over.
      }
    }, "pipe-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
