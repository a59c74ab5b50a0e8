package dev.etcdsnapshot.operator.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The snapshot operations (saves and retried uploads) this process has running, so that shutdown can interrupt
 * them and wait, with a deadline, for them to end: an interrupted multipart upload aborts itself (S3Uploader), so
 * a pod that is terminated leaves no multipart upload behind. Once shutdown began, no new operation starts.
 */
public final class InFlight {

  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  /** Runs the operation on this thread, tracked; empty (not run) when shutdown has begun. */
  public <T> Optional<T> run(Supplier<T> operation) {
    Thread self = Thread.currentThread();
    running.add(self);
    try {
      if (closing) {
        return Optional.empty();
      }
      return Optional.of(operation.get());
    } finally {
      synchronized (this) {
        running.remove(self);
        notifyAll();
      }
    }
  }

  /**
   * Refuses new operations, interrupts those running and waits for them to end, at most {@code deadline}.
   *
   * @return true when none is left running
   */
  public boolean interruptAndAwait(Duration deadline) throws InterruptedException {
    closing = true;
    running.forEach(Thread::interrupt);
    long end = System.nanoTime() + deadline.toNanos();
    synchronized (this) {
      while (!running.isEmpty()) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }
}
