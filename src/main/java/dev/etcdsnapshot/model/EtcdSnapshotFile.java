package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One etcd snapshot on a node's disk or in S3, exactly as k3s publishes it ({@code k3s.cattle.io/v1}, cluster-scoped,
 * k3s-compat §1). Not {@code Namespaced}: the kind is cluster-scoped.
 *
 * <p>The CRD has no status subresource (k3s's has none), so status is written together with the object by an update
 * or merge patch of the whole resource, never through {@code /status}. The generator adds a status subresource for
 * any class with a status; {@code CrdGeneration} removes it again for this kind.
 *
 * <p>Printer columns are k3s's five with {@code .status.*} paths. CreationTime is typed {@code date}, as the
 * kubebuilder marker of k3s-io/api declares it, so {@code kubectl get} shows an age like every other resource (the
 * older wrangler-generated CRD typed it {@code string} and printed the RFC3339 text).
 */
@JsonClassDescription(
    "ETCDSnapshotFile is one etcd snapshot on a node's disk or in S3, as k3s publishes it; failure records have "
        + "readyToUse false and an error.")
@Group(EtcdSnapshotFile.GROUP)
@Version(EtcdSnapshotFile.VERSION)
@Kind("ETCDSnapshotFile")
@Plural("etcdsnapshotfiles")
@Singular("etcdsnapshotfile")
@AdditionalPrinterColumn(name = "SnapshotName", jsonPath = ".spec.snapshotName", type = Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.nodeName", type = Type.STRING)
@AdditionalPrinterColumn(name = "Location", jsonPath = ".spec.location", type = Type.STRING)
@AdditionalPrinterColumn(name = "Size", jsonPath = ".status.size", type = Type.STRING)
@AdditionalPrinterColumn(name = "CreationTime", jsonPath = ".status.creationTime", type = Type.DATE)
public class EtcdSnapshotFile extends CustomResource<EtcdSnapshotFileSpec, EtcdSnapshotFileStatus> {

  /** k3s's API group; the same for RKE2. */
  public static final String GROUP = "k3s.cattle.io";

  /** The only served version. */
  public static final String VERSION = "v1";

  /** The CRD's name. */
  public static final String CRD_NAME = "etcdsnapshotfiles." + GROUP;

  /** An empty object, for Jackson and the client. */
  public EtcdSnapshotFile() {}

  /** An object with the given name, spec and status. */
  public EtcdSnapshotFile(String name, EtcdSnapshotFileSpec spec, EtcdSnapshotFileStatus status) {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    setMetadata(meta);
    setSpec(spec);
    setStatus(status);
  }
}
