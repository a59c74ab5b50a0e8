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
 * Snapshots on a cron schedule on every selected etcd node, pruned to a retention, optionally uploaded to S3.
 *
 * <p>Next is a {@code string} column on purpose: kubectl renders a {@code date} in the future as
 * {@code <invalid>}, so the RFC3339 time is more useful there.
 */
@JsonClassDescription(
    "ETCDSnapshotSchedule takes etcd snapshots on a cron schedule on every selected etcd node, keeps them on disk "
        + "and optionally in S3, and prunes them to a retention.")
@Group(EtcdSnapshotSchedule.GROUP)
@Version(EtcdSnapshotSchedule.VERSION)
@Kind("ETCDSnapshotSchedule")
@Plural("etcdsnapshotschedules")
@Singular("etcdsnapshotschedule")
@AdditionalPrinterColumn(name = "Schedule", jsonPath = ".spec.schedule", type = Type.STRING)
@AdditionalPrinterColumn(name = "Suspend", jsonPath = ".spec.suspend", type = Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Last Success", jsonPath = ".status.lastSuccessTime", type = Type.DATE)
@AdditionalPrinterColumn(name = "Next", jsonPath = ".status.nextScheduleTime", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
public class EtcdSnapshotSchedule extends CustomResource<EtcdSnapshotScheduleSpec, EtcdSnapshotScheduleStatus>
    implements Namespaced {

  /** Our API group. */
  public static final String GROUP = "etcdsnapshot.dev";

  /** The only served version. */
  public static final String VERSION = "v1alpha1";

  /** The CRD's name. */
  public static final String CRD_NAME = "etcdsnapshotschedules." + GROUP;
}
