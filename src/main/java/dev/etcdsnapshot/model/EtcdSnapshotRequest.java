package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One on-demand snapshot on every selected etcd node, like a Job: applying it again does nothing, a new snapshot
 * needs a new request.
 *
 * <p>The Nodes column reads {@code status.progress} because a printer column shows only the first match of a
 * JSONPath, so it cannot list or count the per-node results itself.
 */
@JsonClassDescription(
    "ETCDSnapshotRequest takes one etcd snapshot now on every selected etcd node; applying it again does nothing.")
@Group(EtcdSnapshotSchedule.GROUP)
@Version(EtcdSnapshotSchedule.VERSION)
@Kind("ETCDSnapshotRequest")
@Plural("etcdsnapshotrequests")
@Singular("etcdsnapshotrequest")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.progress", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class EtcdSnapshotRequest extends CustomResource<EtcdSnapshotRequestSpec, EtcdSnapshotRequestStatus>
    implements Namespaced {

  /** The CRD's name. */
  public static final String CRD_NAME = "etcdsnapshotrequests." + EtcdSnapshotSchedule.GROUP;
}
