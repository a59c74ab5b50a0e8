package dev.etcdsnapshot.operator.inventory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs a sync's API writes a few at a time. A first sync of a large bucket creates thousands of objects, each a
 * round trip plus its Event, and one by one that takes minutes. A small fixed bound overlaps the round trips
 * while keeping the load on the API server modest (API Priority and Fairness protects it beyond that).
 */
final class ConcurrentWrites {

  private static final AtomicInteger THREADS = new AtomicInteger();

  private ConcurrentWrites() {}

  /**
   * Applies {@code action} to every item with at most {@code parallelism} at a time and returns when all are done.
   * If any failed, the first failure is thrown after the others finished.
   */
  static <T> void forEach(Collection<T> items, int parallelism, Consumer<T> action) {
    if (parallelism <= 1 || items.size() <= 1) {
      items.forEach(action);
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, items.size()), r -> {
      Thread t = new Thread(r, "inventory-write-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>(items.size());
      for (T item : items) {
        futures.add(pool.submit(() -> action.accept(item)));
      }
      RuntimeException first = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while writing ETCDSnapshotFile objects", e);
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
