package dev.etcdsnapshot.cli;

import dev.etcdsnapshot.engine.content.RegistryKey;
import dev.etcdsnapshot.engine.objects.KubeResource;
import dev.etcdsnapshot.engine.objects.ObjectChange;
import dev.etcdsnapshot.engine.objects.ObjectKeys;
import dev.etcdsnapshot.engine.objects.SnapshotFileKeys;
import dev.etcdsnapshot.engine.objects.SnapshotObjects;
import dev.etcdsnapshot.engine.objects.SnapshotObjects.Change;
import dev.etcdsnapshot.engine.objects.SnapshotObjects.ChangeKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code diff SNAPSHOT_A SNAPSHOT_B}: the Kubernetes objects added, removed and changed from A to B. */
@Command(name = "diff", mixinStandardHelpOptions = true,
    description = {"List the Kubernetes objects added (+), removed (-) and changed (~) from snapshot A to "
        + "snapshot B, per resource. An object has changed when its stored bytes differ (an encrypted object "
        + "differs on every write).",
        "--show RESOURCE/[NS/]NAME also prints that object's change as a unified diff of its YAML in A and B."})
public final class DiffCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  private final StorageOptions storage = new StorageOptions();

  @Option(names = {"--dir", "--etcd-snapshot-dir"}, paramLabel = "DIR",
      description = "directory snapshots given by name are looked up in (default: " + StorageOptions.DEFAULT_DIR
          + ")")
  void dir(Path dir) {
    storage.dir = dir;
  }

  @Parameters(index = "0", paramLabel = "SNAPSHOT_A", description = "the earlier snapshot: name in --dir or path")
  String snapshotA;

  @Parameters(index = "1", paramLabel = "SNAPSHOT_B", description = "the later snapshot: name in --dir or path")
  String snapshotB;

  @Option(names = "--show", paramLabel = "RESOURCE/[NS/]NAME",
      description = "print one object's change, e.g. configmaps/default/app-config or namespaces/team-a")
  String show;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "text, json or yaml (default: ${DEFAULT-VALUE}); json and yaml give the counts, every change "
          + "(resource, object, change: added, removed or changed) and, with --show, that object's patch")
  String output;

  @Override
  public Integer call() throws IOException {
    String format = format(output);
    RegistryKey shown = show == null ? null : showKey(show);
    Path a = SnapshotArgument.resolve(snapshotA, storage);
    Path b = SnapshotArgument.resolve(snapshotB, storage);
    SnapshotObjects.Difference d = SnapshotObjects.diff(SnapshotFileKeys.of(a), SnapshotFileKeys.of(b),
        shown == null ? null : ObjectKeys.keyOf(shown));
    PrintWriter out = spec.commandLine().getOut();
    if (!format.equals("text")) {
      Map<String, Object> document = document(d, shown);
      out.print(format.equals("json") ? JsonText.of(document) : SnapshotInspection.yaml(document));
      return 0;
    }
    Map<String, List<Change>> byResource = d.changes().stream()
        .collect(Collectors.groupingBy(Change::resource, LinkedHashMap::new, Collectors.toList()));
    byResource.forEach((resource, changes) -> {
      out.println(resource + ": " + counts(changes));
      changes.forEach(c -> out.println("  " + mark(c.kind()) + " " + c.object()));
    });
    out.println(d.changes().isEmpty() ? "No objects differ (" + d.objectsA() + " in A, " + d.objectsB() + " in B)."
        : counts(d.changes()) + " (" + d.objectsA() + " objects in A, " + d.objectsB() + " in B).");
    if (shown != null) {
      String label = label(shown);
      String patch = ObjectChange.unified("a/" + label, d.shownA(), "b/" + label, d.shownB());
      if (d.shownA() == null && d.shownB() == null) {
        out.println(label + " is in neither snapshot.");
      } else if (patch.isEmpty()) {
        out.println(label + " is the same in both snapshots.");
      } else {
        out.print(patch);
      }
    }
    return 0;
  }

  private static String format(String output) {
    String format = output.toLowerCase(Locale.ROOT);
    if (!List.of("text", "json", "yaml").contains(format)) {
      throw new IllegalArgumentException("-o must be text, json or yaml, got '" + output + "'");
    }
    return format;
  }

  /** The difference as {@code -o json|yaml} print it. */
  static Map<String, Object> document(SnapshotObjects.Difference d, RegistryKey shown) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("objectsA", d.objectsA());
    document.put("objectsB", d.objectsB());
    for (ChangeKind kind : ChangeKind.values()) {
      document.put(kind.name().toLowerCase(Locale.ROOT), d.changes().stream().filter(c -> c.kind() == kind).count());
    }
    document.put("changes", d.changes().stream().map(c -> {
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("resource", c.resource());
      change.put("object", c.object());
      change.put("change", c.kind().name().toLowerCase(Locale.ROOT));
      return (Object) change;
    }).toList());
    if (shown != null) {
      String label = label(shown);
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("object", label);
      one.put("inA", d.shownA() != null);
      one.put("inB", d.shownB() != null);
      one.put("patch", ObjectChange.unified("a/" + label, d.shownA(), "b/" + label, d.shownB()));
      document.put("show", one);
    }
    return document;
  }

  private static String label(RegistryKey shown) {
    return KubeResource.stored(shown.resource()).displayName() + "/" + ObjectKeys.displayName(shown);
  }

  /** {@code configmaps/default/x} or {@code namespaces/x}: the key it names. */
  static RegistryKey showKey(String show) {
    String[] parts = show.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || List.of(parts).contains("")) {
      throw new IllegalArgumentException("--show must be RESOURCE/NAME or RESOURCE/NAMESPACE/NAME, got '" + show
          + "'");
    }
    KubeResource resource = KubeResource.named(parts[0]);
    if (parts.length == 2 && Boolean.TRUE.equals(resource.namespaced())) {
      throw new IllegalArgumentException("--show: " + resource.displayName() + " are namespaced; give "
          + parts[0] + "/NAMESPACE/" + parts[1]);
    }
    if (parts.length == 3 && Boolean.FALSE.equals(resource.namespaced())) {
      throw new IllegalArgumentException("--show: " + resource.displayName() + " are cluster-scoped; give "
          + parts[0] + "/" + parts[2]);
    }
    return parts.length == 2 ? new RegistryKey(resource.storage(), "", parts[1])
        : new RegistryKey(resource.storage(), parts[1], parts[2]);
  }

  private static String counts(List<Change> changes) {
    long added = changes.stream().filter(c -> c.kind() == ChangeKind.ADDED).count();
    long removed = changes.stream().filter(c -> c.kind() == ChangeKind.REMOVED).count();
    long changed = changes.stream().filter(c -> c.kind() == ChangeKind.CHANGED).count();
    return added + " added, " + removed + " removed, " + changed + " changed";
  }

  private static String mark(ChangeKind kind) {
    return switch (kind) {
      case ADDED -> "+";
      case REMOVED -> "-";
      case CHANGED -> "~";
    };
  }
}
