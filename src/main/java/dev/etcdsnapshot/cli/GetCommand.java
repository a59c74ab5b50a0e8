package dev.etcdsnapshot.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.etcdsnapshot.engine.objects.KubeResource;
import dev.etcdsnapshot.engine.objects.ObjectKeys;
import dev.etcdsnapshot.engine.objects.ObjectOutput;
import dev.etcdsnapshot.engine.objects.SnapshotFileKeys;
import dev.etcdsnapshot.engine.objects.SnapshotObjects;
import dev.etcdsnapshot.engine.objects.StoredObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code get SNAPSHOT RESOURCE [NAME]}: Kubernetes objects straight from a snapshot file, as YAML or JSON that
 * {@code kubectl apply} takes back, without restoring anything.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = {"Print Kubernetes objects stored in a snapshot (raw or .zip) as YAML or JSON, without a "
        + "restore: built-in kinds decoded from kube-apiserver's protobuf, custom resources from their JSON. "
        + "By default the fields the API server sets (resourceVersion, uid, creationTimestamp, generation, "
        + "managedFields, ownerReferences, status) are left out, so that `kubectl apply -f` creates the object "
        + "again; --as-stored keeps them.",
        "Objects encrypted at rest (k8s:enc:) are reported with their provider and never decrypted; the exit "
            + "code is then 1, as when nothing matches.",
        "RESOURCE as kubectl names it: a plural, singular or short name of a common built-in (cm, secret, ns, "
            + "svc, deploy, sts, ds, job, cj, ing, crd, ...), with or without its group (deployments.apps), or "
            + "<plural>.<group> for a custom resource (widgets.example.com)."})
public final class GetCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = {"--dir", "--etcd-snapshot-dir"}, paramLabel = "DIR",
      description = "directory a SNAPSHOT given by name is looked up in (default: " + StorageOptions.DEFAULT_DIR
          + ")")
  void dir(Path dir) {
    storage.dir = dir;
  }

  private final StorageOptions storage = new StorageOptions();

  @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "snapshot file name in --dir, or a path")
  String snapshot;

  @Parameters(index = "1", paramLabel = "RESOURCE", description = "e.g. configmaps, cm, deployments.apps")
  String resource;

  @Parameters(index = "2", arity = "0..1", paramLabel = "NAME", description = "one object; all when left out")
  String name;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default",
      description = "namespace of namespaced objects (default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = {"-A", "--all-namespaces"}, description = "objects of every namespace")
  boolean allNamespaces;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
      description = "yaml or json (default: ${DEFAULT-VALUE})")
  String output;

  @Option(names = "--as-stored", description = "keep the fields the API server sets, and status")
  boolean asStored;

  @Override
  public Integer call() throws IOException {
    ObjectOutput.Format format = format(output);
    KubeResource kind = KubeResource.named(resource);
    Path file = SnapshotArgument.resolve(snapshot, storage);
    String ns = allNamespaces ? null : namespace;
    List<SnapshotObjects.Found> found = SnapshotObjects.get(SnapshotFileKeys.of(file),
        new SnapshotObjects.Query(kind, name, ns));
    PrintWriter err = spec.commandLine().getErr();
    if (found.isEmpty()) {
      err.println("no " + kind.displayName() + (name == null ? "" : " named " + name)
          + (ns == null || Boolean.FALSE.equals(kind.namespaced()) ? "" : " in namespace " + ns)
          + " in snapshot " + file);
      return Cli.FAILED;
    }
    List<ObjectNode> objects = new ArrayList<>();
    int unreadable = 0;
    for (SnapshotObjects.Found f : found) {
      if (f.object() instanceof StoredObject.Decoded d) {
        objects.add(asStored ? d.json() : ObjectOutput.forApply(d.json()));
      } else {
        unreadable++;
        err.println(kind.displayName() + "/" + ObjectKeys.displayName(f.key()) + ": " + (f.object()
            instanceof StoredObject.Encrypted e ? e.describe() : ((StoredObject.Undecodable) f.object()).reason()));
      }
    }
    if (!objects.isEmpty()) {
      spec.commandLine().getOut().print(ObjectOutput.render(objects, name == null || found.size() > 1, format));
    }
    return unreadable == 0 ? 0 : Cli.FAILED;
  }

  static ObjectOutput.Format format(String output) {
    try {
      return ObjectOutput.Format.valueOf(output.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-o must be yaml or json, got '" + output + "'");
    }
  }
}
