package dev.etcdsnapshot.engine.objects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.objects.LatestRevisions.Latest;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The state at the snapshot's revision: per key its newest revision, none when that is a tombstone. */
class LatestRevisionsTest {

  private static final String REGISTRY = "/registry/";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static RevisionLog history() {
    return new RevisionLog()
        .put("/registry/configmaps/default/a", bytes("a1"))
        .put("/registry/configmaps/default/b", bytes("b1"))
        .put("/registry/configmaps/default/a", bytes("a2"))
        .delete("/registry/configmaps/default/b")
        .put("/registry/configmaps/default/c", bytes("c1"))
        .delete("/registry/configmaps/default/c")
        .put("/registry/configmaps/default/c", bytes("c2"))
        .put("/other/key", bytes("x"));
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, 1, 2, 3, 4, 5})
  void newestRevisionWinsTombstonesHideAndOrderDoesNotMatter(long seed) throws Exception {
    RevisionLog log = seed < 0 ? history() : history().shuffled(seed);
    SortedMap<String, Latest> live = LatestRevisions.fold(log, REGISTRY, k -> true, k -> true);

    assertThat(live.keySet()).containsExactly("/registry/configmaps/default/a", "/registry/configmaps/default/c");
    Latest a = live.get("/registry/configmaps/default/a");
    assertThat(new String(a.value(), StandardCharsets.UTF_8)).isEqualTo("a2");
    assertThat(a.revision()).isEqualTo(4);
    assertThat(a.createRevision()).isEqualTo(2);
    assertThat(a.version()).isEqualTo(2);
    Latest c = live.get("/registry/configmaps/default/c");
    assertThat(new String(c.value(), StandardCharsets.UTF_8)).isEqualTo("c2");
    assertThat(c.createRevision()).as("re-created after its deletion").isEqualTo(c.revision());
  }

  @Test
  void onlySelectedKeysAreHeldAndOnlyChosenValuesKept() throws Exception {
    SortedMap<String, Latest> live = LatestRevisions.fold(history(), REGISTRY,
        k -> k.endsWith("/a") || k.endsWith("/c"), k -> k.endsWith("/a"));
    assertThat(live.keySet()).containsExactly("/registry/configmaps/default/a", "/registry/configmaps/default/c");
    assertThat(live.get("/registry/configmaps/default/c").value()).isNull();
    assertThat(live.get("/registry/configmaps/default/c").digest()).hasSize(32);
  }

  @Test
  void digestsDifferWhenValuesDo() throws Exception {
    RevisionLog log = new RevisionLog().put("/registry/x/a", bytes("1")).put("/registry/x/b", bytes("1"))
        .put("/registry/x/c", bytes("2"));
    SortedMap<String, Latest> live = LatestRevisions.fold(log, REGISTRY, k -> true, k -> false);
    assertThat(live.get("/registry/x/a").digest()).isEqualTo(live.get("/registry/x/b").digest())
        .isNotEqualTo(live.get("/registry/x/c").digest());
  }
}
