package dev.etcdsnapshot.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the committed CRDs promise: k3s's ETCDSnapshotFile shape, and our two kinds' validation and columns. */
class CrdSchemaTest {

  static CustomResourceDefinition load(String crdName) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("crds", crdName + "-v1.yml"))) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }

  static List<String> columns(CustomResourceDefinitionVersion v) {
    return v.getAdditionalPrinterColumns().stream()
        .map(c -> c.getName() + " " + c.getJsonPath() + " " + c.getType())
        .toList();
  }

  @Test
  void etcdSnapshotFileIsK3sShaped() throws IOException {
    CustomResourceDefinition crd = load("etcdsnapshotfiles.k3s.cattle.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("k3s.cattle.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("ETCDSnapshotFile");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("etcdsnapshotfiles");
    assertThat(crd.getSpec().getNames().getSingular()).isEqualTo("etcdsnapshotfile");
    assertThat(crd.getSpec().getNames().getShortNames()).isNullOrEmpty();
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    CustomResourceDefinitionVersion v1 = crd.getSpec().getVersions().get(0);
    assertThat(v1.getName()).isEqualTo("v1");
    assertThat(v1.getServed()).isTrue();
    assertThat(v1.getStorage()).isTrue();
    assertThat(v1.getSubresources()).as("k3s's CRD has no subresources, status included").isNull();
    assertThat(columns(v1))
        .containsExactly(
            "SnapshotName .spec.snapshotName string",
            "Node .spec.nodeName string",
            "Location .spec.location string",
            "Size .status.size string",
            "CreationTime .status.creationTime date");

    JSONSchemaProps root = v1.getSchema().getOpenAPIV3Schema();
    JSONSchemaProps spec = root.getProperties().get("spec");
    assertThat(spec.getRequired()).containsExactlyInAnyOrder("snapshotName", "nodeName", "location");
    assertThat(spec.getProperties()).containsOnlyKeys("snapshotName", "nodeName", "location", "metadata", "s3");
    assertThat(spec.getProperties().get("s3").getProperties())
        .containsOnlyKeys(
            "endpoint", "endpointCA", "skipSSLVerify", "bucket", "bucketLookup", "region", "prefix", "insecure");
    JSONSchemaProps status = root.getProperties().get("status");
    assertThat(status.getProperties()).containsOnlyKeys("readyToUse", "creationTime", "size", "error");
    assertThat(status.getProperties().get("size").getXKubernetesIntOrString()).isTrue();
    assertThat(status.getProperties().get("error").getProperties()).containsOnlyKeys("time", "message");
  }

  @Test
  void ourKindsAreNamespacedWithStatusSubresourceAndColumns() throws IOException {
    CustomResourceDefinition schedule = load("etcdsnapshotschedules.etcdsnapshot.dev");
    CustomResourceDefinition request = load("etcdsnapshotrequests.etcdsnapshot.dev");
    for (CustomResourceDefinition crd : List.of(schedule, request)) {
      assertThat(crd.getSpec().getGroup()).isEqualTo("etcdsnapshot.dev");
      assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
      assertThat(crd.getSpec().getVersions().get(0).getName()).isEqualTo("v1alpha1");
      assertThat(crd.getSpec().getVersions().get(0).getSubresources().getStatus()).isNotNull();
    }
    assertThat(schedule.getSpec().getNames().getKind()).isEqualTo("ETCDSnapshotSchedule");
    assertThat(request.getSpec().getNames().getKind()).isEqualTo("ETCDSnapshotRequest");
    assertThat(columns(schedule.getSpec().getVersions().get(0)))
        .containsExactly(
            "Schedule .spec.schedule string",
            "Suspend .spec.suspend boolean",
            "Last Success .status.lastSuccessTime date",
            "Next .status.nextScheduleTime string",
            "Ready .status.conditions[?(@.type==\"Ready\")].status string");
    assertThat(columns(request.getSpec().getVersions().get(0)))
        .containsExactly(
            "Phase .status.phase string", "Nodes .status.progress string", "Age .metadata.creationTimestamp date");
  }

  @Test
  void scheduleDefaultsAndValidation() throws IOException {
    Map<String, JSONSchemaProps> spec = specOf(load("etcdsnapshotschedules.etcdsnapshot.dev"));
    assertThat(spec.get("schedule").getDefault().asText()).isEqualTo("0 */12 * * *");
    assertThat(spec.get("timeZone").getDefault().asText()).isEqualTo("UTC");
    assertThat(spec.get("name").getDefault().asText()).isEqualTo("etcd-snapshot");
    assertThat(spec.get("retention").getDefault().asInt()).isEqualTo(5);
    assertThat(spec.get("retention").getMinimum()).isEqualTo(0.0);
    assertThat(spec.get("deletionPolicy").getDefault().asText()).isEqualTo("Retain");
    assertThat(spec.get("deletionPolicy").getEnum()).extracting(n -> n.asText()).containsExactlyInAnyOrder("Retain", "Delete");
    Map<String, JSONSchemaProps> s3 = spec.get("s3").getProperties();
    assertThat(s3.get("retention").getDefault())
        .as("no schema default: an unset s3.retention lets the Secret's etcd-s3-retention apply").isNull();
    assertThat(s3.get("retention").getMinimum()).isEqualTo(0.0);
    assertThat(s3.get("retentionScope").getDefault().asText()).isEqualTo("node");
    assertThat(s3.get("retentionScope").getEnum()).extracting(n -> n.asText()).containsExactlyInAnyOrder("node", "cluster");
    assertThat(s3.get("bucketLookup").getEnum()).extracting(n -> n.asText()).containsExactlyInAnyOrder("auto", "dns", "path");
    assertThat(s3.get("secretRef").getRequired()).containsExactly("name");

    java.util.regex.Pattern cron = java.util.regex.Pattern.compile(spec.get("schedule").getPattern());
    // robfig/cron v3 ParseStandard, k3s's parser: @every <duration> and a CRON_TZ=/TZ= prefix are valid too.
    assertThat(List.of("0 */12 * * *", "@hourly", "*/5 1-3 * * MON-FRI", "@every 6h", "@every 1h30m",
        "CRON_TZ=Europe/Berlin 0 3 * * *", "TZ=UTC @daily", "CRON_TZ=Asia/Tokyo @every 2h"))
        .allMatch(s -> cron.matcher(s).matches());
    assertThat(List.of("", "0 */12 * *", "@every", "every day", "CRON_TZ=UTC", "@every  6h", "CRON_TZ= 0 3 * * *"))
        .noneMatch(s -> cron.matcher(s).matches());
  }

  @Test
  void requestDefaultsAndValidation() throws IOException {
    CustomResourceDefinition crd = load("etcdsnapshotrequests.etcdsnapshot.dev");
    Map<String, JSONSchemaProps> spec = specOf(crd);
    assertThat(spec.get("name").getDefault().asText()).isEqualTo("on-demand");
    assertThat(spec.get("ttlSecondsAfterFinished").getMinimum()).isEqualTo(0.0);
    assertThat(spec).containsKeys("compress", "nodes", "s3", "scheduleRef");
    JSONSchemaProps specProps = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertThat(specProps.getXKubernetesValidations()).singleElement()
        .satisfies(r -> assertThat(r.getRule()).contains("has(self.s3)").contains("has(self.scheduleRef)"));
    Map<String, JSONSchemaProps> status = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("status").getProperties();
    assertThat(status.get("phase").getEnum()).extracting(n -> n.asText())
        .containsExactlyInAnyOrder("Pending", "Running", "Succeeded", "Failed");
    assertThat(status.get("results").getItems().getSchema().getProperties())
        .containsKeys("node", "phase", "snapshotName", "snapshotFiles", "message");
  }

  @Test
  void everyFieldIsDocumented() throws IOException {
    for (String name :
        List.of("etcdsnapshotfiles.k3s.cattle.io", "etcdsnapshotschedules.etcdsnapshot.dev", "etcdsnapshotrequests.etcdsnapshot.dev")) {
      JSONSchemaProps root = load(name).getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
      assertThat(root.getDescription()).as(name).isNotBlank();
      assertDocumented(name, root);
    }
  }

  private static void assertDocumented(String path, JSONSchemaProps props) {
    if (props.getProperties() == null) {
      return;
    }
    props.getProperties().forEach((field, child) -> {
      assertThat(child.getDescription()).as("description of %s.%s", path, field).isNotBlank();
      assertDocumented(path + "." + field, child);
      if (child.getItems() != null && child.getItems().getSchema() != null) {
        assertDocumented(path + "." + field + "[]", child.getItems().getSchema());
      }
    });
  }

  private static Map<String, JSONSchemaProps> specOf(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec").getProperties();
  }

}
