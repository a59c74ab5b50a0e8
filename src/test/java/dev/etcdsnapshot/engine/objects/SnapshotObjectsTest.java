package dev.etcdsnapshot.engine.objects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdsnapshot.engine.objects.SnapshotObjects.Change;
import dev.etcdsnapshot.engine.objects.SnapshotObjects.ChangeKind;
import dev.etcdsnapshot.engine.objects.SnapshotObjects.Query;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** get's selection and diff's comparison over key revisions. */
class SnapshotObjectsTest {

  private static final String CM = "/registry/configmaps/";

  private static RevisionLog before() {
    return new RevisionLog()
        .put("/registry/namespaces/team-a", KubeValues.namespace("team-a"))
        .put(CM + "default/keep", KubeValues.configMap("default", "keep", Map.of("k", "1")))
        .put(CM + "default/edit", KubeValues.configMap("default", "edit", Map.of("k", "1")))
        .put(CM + "default/gone", KubeValues.configMap("default", "gone", Map.of("k", "1")))
        .put(CM + "team-a/keep", KubeValues.configMap("team-a", "keep", Map.of("k", "2")))
        .put("/registry/secrets/default/db", KubeValues.secret("default", "db", Map.of("p", "x")));
  }

  @Test
  void getSelectsByNameAndNamespace() throws Exception {
    RevisionLog log = before();
    assertThat(SnapshotObjects.get(log, new Query(KubeResource.named("cm"), "keep", "default")))
        .extracting(f -> ObjectKeys.keyOf(f.key())).containsExactly(CM + "default/keep");
    assertThat(SnapshotObjects.get(log, new Query(KubeResource.named("cm"), "keep", null)))
        .extracting(f -> ObjectKeys.keyOf(f.key())).containsExactly(CM + "default/keep", CM + "team-a/keep");
    assertThat(SnapshotObjects.get(log, new Query(KubeResource.named("cm"), null, "default"))).hasSize(3);
    assertThat(SnapshotObjects.get(log, new Query(KubeResource.named("ns"), "team-a", "default")))
        .as("cluster-scoped objects match whatever the namespace").hasSize(1);
    assertThat(SnapshotObjects.get(log, new Query(KubeResource.named("cm"), "db", "default"))).isEmpty();
  }

  @Test
  void getOfADeletedObjectFindsNothingAndRevisionIsTheNewestWrite() throws Exception {
    RevisionLog log = before().delete(CM + "default/gone")
        .put(CM + "default/edit", KubeValues.configMap("default", "edit", Map.of("k", "2")));
    assertThat(SnapshotObjects.get(log, new Query(KubeResource.named("cm"), "gone", "default"))).isEmpty();
    assertThat(SnapshotObjects.get(log, new Query(KubeResource.named("cm"), "edit", "default")))
        .singleElement().extracting(SnapshotObjects.Found::revision).isEqualTo(9L);
  }

  @Test
  void diffListsAddedRemovedAndChangedPerResource() throws Exception {
    RevisionLog a = before();
    RevisionLog b = before()
        .put(CM + "default/edit", KubeValues.configMap("default", "edit", Map.of("k", "changed")))
        .delete(CM + "default/gone")
        .put(CM + "default/new", KubeValues.configMap("default", "new", Map.of("k", "1")))
        .put("/registry/example.com/widgets/team-a/w1",
            KubeValues.customResource("example.com", "Widget", "team-a", "w1", "{}"))
        .put("/registry/health", "{\"health\":\"true\"}".getBytes(StandardCharsets.UTF_8))
        // rewritten with the same bytes: a new revision, but nothing a user would call a change
        .put(CM + "default/keep", KubeValues.configMap("default", "keep", Map.of("k", "1")));

    SnapshotObjects.Difference d = SnapshotObjects.diff(a, b, CM + "default/edit");

    assertThat(d.changes()).containsExactly(
        new Change("(other keys)", "/registry/health", ChangeKind.ADDED),
        new Change("configmaps", "default/new", ChangeKind.ADDED),
        new Change("configmaps", "default/gone", ChangeKind.REMOVED),
        new Change("configmaps", "default/edit", ChangeKind.CHANGED),
        new Change("widgets.example.com", "team-a/w1", ChangeKind.ADDED));
    assertThat(d.objectsA()).isEqualTo(6);
    assertThat(d.objectsB()).isEqualTo(8);
    String patch = ObjectChange.unified("a/cm", d.shownA(), "b/cm", d.shownB());
    assertThat(patch).startsWith("--- a/cm\n+++ b/cm\n@@ ").contains("\n-  k: \"1\"\n+  k: changed\n");
  }

  @Test
  void identicalSnapshotsDifferInNothing() throws Exception {
    SnapshotObjects.Difference d = SnapshotObjects.diff(before(), before().shuffled(7), null);
    assertThat(d.changes()).isEmpty();
    assertThat(d.shownA()).isNull();
    assertThat(List.of(d.objectsA(), d.objectsB())).containsExactly(6, 6);
  }
}
