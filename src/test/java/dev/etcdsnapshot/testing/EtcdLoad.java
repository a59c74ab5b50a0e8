package dev.etcdsnapshot.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fills an etcd member with Kubernetes-like keys and values for the benchmarks: JSON-ish text with random words
 * and numbers, which compresses about 2.5 times (real clusters' protobuf objects compress more).
 */
public final class EtcdLoad {

  private static final int VALUE_BYTES = 8 * 1024;
  private static final int IN_FLIGHT = 64;

  private EtcdLoad() {}

  /** Puts keys {@code /registry/bench/<n>} until the member's database is at least {@code bytes}; returns its size. */
  public static long fill(String endpoint, long bytes) throws Exception {
    try (Client client = Client.builder().endpoints(endpoint).build()) {
      KV kv = client.getKVClient();
      Random random = new Random(42);
      String[] words = words(random);
      Semaphore slots = new Semaphore(IN_FLIGHT);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      long size = dbSize(client, endpoint);
      int key = (int) kv.get(ByteSequence.from("/registry/bench/", StandardCharsets.UTF_8),
          io.etcd.jetcd.options.GetOption.builder().isPrefix(true).withCountOnly(true).build())
          .get(30, TimeUnit.SECONDS).getCount();
      while (size < bytes) {
        for (int i = 0; i < 2000; i++, key++) {
          slots.acquire();
          kv.put(ByteSequence.from(String.format("/registry/bench/%09d", key), StandardCharsets.UTF_8),
              ByteSequence.from(value(random, words), StandardCharsets.UTF_8))
              .whenComplete((r, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
                slots.release();
              });
        }
        slots.acquire(IN_FLIGHT);
        slots.release(IN_FLIGHT);
        if (failure.get() != null) {
          throw new IllegalStateException("loading etcd failed", failure.get());
        }
        size = dbSize(client, endpoint);
      }
      return size;
    }
  }

  /** The member's database size as etcd reports it. */
  public static long dbSize(Client client, String endpoint) throws Exception {
    return client.getMaintenanceClient().statusMember(endpoint).get(30, TimeUnit.SECONDS).getDbSize();
  }

  private static String value(Random random, String[] words) {
    StringBuilder v = new StringBuilder(VALUE_BYTES + 32);
    while (v.length() < VALUE_BYTES) {
      v.append('"').append(words[random.nextInt(words.length)]).append("\":\"")
          .append(Long.toHexString(random.nextLong())).append("\",");
    }
    return v.substring(0, VALUE_BYTES);
  }

  private static String[] words(Random random) {
    String[] words = new String[512];
    for (int i = 0; i < words.length; i++) {
      StringBuilder w = new StringBuilder();
      int length = 3 + random.nextInt(9);
      for (int j = 0; j < length; j++) {
        w.append((char) ('a' + random.nextInt(26)));
      }
      words[i] = w.toString();
    }
    return words;
  }
}
