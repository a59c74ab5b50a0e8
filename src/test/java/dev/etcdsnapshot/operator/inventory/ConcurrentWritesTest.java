package dev.etcdsnapshot.operator.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConcurrentWritesTest {

  @Test
  void everyItemRunsWithAtMostTheBoundInFlight() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Set<Integer> done = ConcurrentHashMap.newKeySet();
    List<Integer> items = IntStream.range(0, 200).boxed().toList();

    ConcurrentWrites.forEach(items, 4, i -> {
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      done.add(i);
      inFlight.decrementAndGet();
    });

    assertThat(done).hasSize(200);
    assertThat(peak.get()).isBetween(1, 4);
  }

  @Test
  void aFailureIsThrownAfterTheOtherItemsRan() {
    Set<Integer> done = ConcurrentHashMap.newKeySet();
    List<Integer> items = IntStream.range(0, 50).boxed().toList();

    assertThatThrownBy(() -> ConcurrentWrites.forEach(items, 4, i -> {
      if (i == 3) {
        throw new IllegalStateException("object 3 refused");
      }
      done.add(i);
    })).hasMessage("object 3 refused");

    assertThat(done).hasSize(49);
  }
}
