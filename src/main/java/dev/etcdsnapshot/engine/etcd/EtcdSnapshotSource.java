package dev.etcdsnapshot.engine.etcd;

import dev.etcdsnapshot.engine.MemberKvHash;
import dev.etcdsnapshot.engine.SnapshotSource;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberListResponse;
import io.etcd.jetcd.maintenance.HashKVResponse;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * One etcd member's {@code Maintenance.Snapshot} stream, through jetcd. The client talks to exactly that member
 * (a snapshot from "any" member of a list would be a different file per call), refuses a learner, and streams
 * the chunks straight into the caller's stream: the snapshot is never held in memory.
 */
public final class EtcdSnapshotSource implements SnapshotSource, MemberKvHash, AutoCloseable {

  /** k3s's keepalive for snapshot streams: a dead peer is noticed instead of waited on forever. */
  private static final Duration KEEPALIVE_TIME = Duration.ofSeconds(30);

  private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);

  /** HashKV reads the member's whole key bucket: seconds for a large database, so more than a plain call. */
  private static final Duration MIN_HASH_TIMEOUT = Duration.ofMinutes(2);

  private final EtcdConnectionSettings settings;
  private final URI endpoint;
  private final SslContext sslContext;
  private Client client;

  private EtcdSnapshotSource(EtcdConnectionSettings settings, URI endpoint) {
    this.settings = settings;
    this.endpoint = endpoint;
    // Built here so unreadable certificates or keys are refused before any file is created.
    this.sslContext = settings.usesTls() ? sslContext() : null;
  }

  /**
   * A source for the single endpoint of {@code settings}, validated first.
   *
   * @throws IllegalArgumentException naming the flag for bad settings, or when more than one endpoint is given
   */
  public static EtcdSnapshotSource forSingleEndpoint(EtcdConnectionSettings settings) {
    settings.validate();
    if (settings.endpoints().size() != 1) {
      throw new IllegalArgumentException("--endpoints: a snapshot is taken from exactly one etcd member, got "
          + settings.endpoints().size() + " endpoints");
    }
    return new EtcdSnapshotSource(settings, settings.endpoints().get(0));
  }

  @Override
  public String describe() {
    return "etcd at " + endpoint;
  }

  @Override
  public long writeTo(OutputStream out) throws IOException {
    Client c = client();
    requireVotingMember(c);
    WriteWatch watched = new WriteWatch(out);
    try {
      return c.getMaintenanceClient().snapshot(watched).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("snapshot from " + describe() + " interrupted", e);
    } catch (ExecutionException e) {
      if (watched.failure != null) {
        // jetcd keeps the call streaming after a failed write; closing the client cancels it, so that etcd does not
        // go on sending the whole database to nobody (the next save connects again).
        close();
        // Our side failed (the disk, or the compressor reading behind the file), not etcd: say that, not
        // "connection lost", which is how jetcd reports any IOException of the stream it writes to.
        throw watched.failure;
      }
      throw failure("snapshot stream from", e.getCause());
    }
  }

  /**
   * The member's {@code HashKV(revision)}: etcd's CRC-32C of its key bucket up to {@code revision}, with the
   * compaction revision it honoured. Asked of exactly this member, as the snapshot was.
   */
  @Override
  public Answer hashKv(long revision) throws IOException {
    Duration timeout = settings.callTimeout().compareTo(MIN_HASH_TIMEOUT) > 0 ? settings.callTimeout()
        : MIN_HASH_TIMEOUT;
    HashKVResponse response;
    try {
      response = client().getMaintenanceClient().hashKV(endpoint.toString(), revision)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + describe() + " for its KV hash", e);
    } catch (TimeoutException e) {
      throw new IOException(describe() + " did not return its KV hash within " + timeout.toSeconds() + "s");
    } catch (ExecutionException e) {
      String text = EtcdErrors.describe(e.getCause());
      if (text.contains("required revision has been compacted")) {
        throw new Compacted(describe() + " has compacted revision " + revision, -1);
      }
      if (text.contains("future revision")) {
        throw new IOException(describe() + " has not reached revision " + revision
            + " (a different or restored cluster?)");
      }
      throw failure("KV hash from", e.getCause());
    }
    return new Answer(response.getHash(), response.getCompacted());
  }

  /** Remembers the first failure of the caller's stream, so it is not mistaken for one of etcd's. */
  private static final class WriteWatch extends FilterOutputStream {
    private volatile IOException failure;

    WriteWatch(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (failure != null) {
        throw failure; // chunks still in flight before the call is cancelled are not written
      }
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  /** Refuses a learner: its snapshot would not be the cluster's committed state (and etcd 3.4 refuses it). */
  private void requireVotingMember(Client c) throws IOException {
    MemberListResponse response;
    try {
      response = c.getClusterClient().listMember()
          .get(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + describe() + " for its status", e);
    } catch (TimeoutException e) {
      throw new IOException(describe() + " did not answer within " + settings.callTimeout().toSeconds() + "s");
    } catch (ExecutionException e) {
      throw failure("member list from", e.getCause());
    }
    long self = response.getHeader().getMemberId();
    for (Member member : response.getMembers()) {
      if (member.getId() == self && member.isLearner()) {
        throw learner(member.getName());
      }
    }
  }

  private IOException learner(String name) {
    String who = name == null || name.isEmpty() ? "" : " (" + name + ")";
    return new IOException(describe() + who + " is a learner member; a snapshot must be taken from a voting "
        + "member");
  }

  private IOException failure(String what, Throwable cause) {
    String text = EtcdErrors.describe(cause);
    if (text.toLowerCase(Locale.ROOT).contains("not supported for learner")) {
      return learner(null);
    }
    if (text.startsWith("unreachable")) {
      return new IOException(describe() + " is " + text, cause);
    }
    return new IOException(what + " " + describe() + " failed: " + text, cause);
  }

  private synchronized Client client() {
    if (client == null) {
      ClientBuilder builder = Client.builder()
          .target(target(endpoint))
          .connectTimeout(settings.connectTimeout())
          .keepaliveTime(KEEPALIVE_TIME)
          .keepaliveTimeout(KEEPALIVE_TIMEOUT)
          // Fail fast when the member is down instead of waiting for it to come back.
          .waitForReady(false)
          .retryMaxAttempts(1)
          .retryMaxDuration(settings.callTimeout());
      if (sslContext != null) {
        builder.sslContext(sslContext);
      }
      client = builder.build();
    }
    return client;
  }

  /**
   * jetcd's {@code endpoints(URI)} makes the gRPC target {@code ip:///host:port}, which gRPC refuses for an IPv6
   * host ("Illegal character in path": {@code [} and {@code ]} are not allowed in a URI path). Its {@code ip}
   * resolver reads the decoded path, so the brackets are sent percent-encoded and arrive as {@code [::1]:2379}.
   */
  static String target(URI endpoint) {
    String host = endpoint.getHost().replace("[", "%5B").replace("]", "%5D");
    return "ip:///" + host + ":" + endpoint.getPort();
  }

  private SslContext sslContext() {
    SslContextBuilder tls = GrpcSslContexts.forClient();
    if (settings.cacert() != null) {
      tls.trustManager(PemFiles.certificates("--cacert", settings.cacert()).toArray(new X509Certificate[0]));
    }
    if (settings.cert() != null) {
      PrivateKey key = PemFiles.privateKey("--key", settings.key());
      tls.keyManager(key, PemFiles.certificates("--cert", settings.cert()).toArray(new X509Certificate[0]));
    }
    try {
      return tls.build();
    } catch (SSLException | IllegalArgumentException e) {
      String reason = e.getMessage() != null && e.getMessage().startsWith("--") ? e.getMessage()
          : "cannot set up TLS to " + describe() + ": " + e.getMessage();
      throw new IllegalArgumentException(reason, e);
    }
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
