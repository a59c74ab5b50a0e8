package dev.etcdsnapshot.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Counts HTTP requests by S3 operation (every attempt), and remembers the scheme, host and path of each. */
public final class RequestCounter implements ExecutionInterceptor {

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  public final List<String> hostsAndPaths = new CopyOnWriteArrayList<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    counts.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
    var r = context.httpRequest();
    hostsAndPaths.add(r.protocol() + "://" + r.host() + (r.port() > 0 ? ":" + r.port() : "") + r.encodedPath());
  }

  public int count(String operation) {
    AtomicInteger n = counts.get(operation);
    return n == null ? 0 : n.get();
  }

  public int total() {
    return counts.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public void reset() {
    counts.clear();
    hostsAndPaths.clear();
  }

  @Override
  public String toString() {
    return counts.toString();
  }
}
