package dev.etcdsnapshot.engine.etcd;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/** Turns jetcd's layered exceptions (EtcdException over gRPC status over Netty) into one readable reason. */
final class EtcdErrors {

  private EtcdErrors() {}

  static String describe(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    for (Throwable t : chain) {
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return "unreachable (" + clean(t) + ")";
      }
      if (t instanceof SSLException) {
        return "TLS handshake failed (" + clean(t) + ")";
      }
    }
    for (Throwable t : chain) {
      if (t instanceof SocketException || t instanceof java.io.IOException) {
        return "connection lost (" + clean(t) + ")";
      }
    }
    return clean(chain.get(0));
  }

  private static String clean(Throwable t) {
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }
}
