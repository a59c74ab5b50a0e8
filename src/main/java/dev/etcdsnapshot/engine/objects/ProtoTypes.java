package dev.etcdsnapshot.engine.objects;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apiextensions;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Events;
import io.kubernetes.client.proto.V1Flowcontrol;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Node;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Resource;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V1alpha1Apiserverinternal;
import io.kubernetes.client.proto.V1beta1Admissionregistration;
import io.kubernetes.client.proto.V1beta1Apiextensions;
import io.kubernetes.client.proto.V1beta1Apps;
import io.kubernetes.client.proto.V1beta1Batch;
import io.kubernetes.client.proto.V1beta1Certificates;
import io.kubernetes.client.proto.V1beta1Extensions;
import io.kubernetes.client.proto.V1beta1Policy;
import io.kubernetes.client.proto.V1beta1Rbac;
import io.kubernetes.client.proto.V1beta1Storage;
import io.kubernetes.client.proto.V1beta1Storagemigration;
import io.kubernetes.client.proto.V1beta2Apps;
import io.kubernetes.client.proto.V2Autoscaling;
import io.kubernetes.client.proto.V2beta1Autoscaling;
import io.kubernetes.client.proto.V2beta2Autoscaling;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The protobuf message of each built-in kind, from the Kubernetes API's generated classes
 * ({@code io.kubernetes:client-java-proto}), found by the {@code apiVersion} and {@code kind} kube-apiserver
 * writes in front of every protobuf-encoded object.
 */
final class ProtoTypes {

  /** Groups whose proto package segment is not the group's first DNS label. */
  private static final Map<String, String> PACKAGE_OF_GROUP = Map.of("", "core",
      "internal.apiserver.k8s.io", "apiserverinternal");

  private static final Map<String, Descriptor> BY_TYPE = new HashMap<>();

  static {
    List<FileDescriptor> files = List.of(V1.getDescriptor(), V1Admissionregistration.getDescriptor(),
        V1Apiextensions.getDescriptor(), V1Apps.getDescriptor(), V1Autoscaling.getDescriptor(),
        V1Batch.getDescriptor(), V1Certificates.getDescriptor(), V1Coordination.getDescriptor(),
        V1Discovery.getDescriptor(), V1Events.getDescriptor(), V1Flowcontrol.getDescriptor(),
        V1Networking.getDescriptor(), V1Node.getDescriptor(), V1Policy.getDescriptor(), V1Rbac.getDescriptor(),
        V1Resource.getDescriptor(), V1Scheduling.getDescriptor(), V1Storage.getDescriptor(),
        V1alpha1Apiserverinternal.getDescriptor(), V1beta1Admissionregistration.getDescriptor(),
        V1beta1Apiextensions.getDescriptor(), V1beta1Apps.getDescriptor(), V1beta1Batch.getDescriptor(),
        V1beta1Certificates.getDescriptor(), V1beta1Extensions.getDescriptor(), V1beta1Policy.getDescriptor(),
        V1beta1Rbac.getDescriptor(), V1beta1Storage.getDescriptor(), V1beta1Storagemigration.getDescriptor(),
        V1beta2Apps.getDescriptor(), V2Autoscaling.getDescriptor(), V2beta1Autoscaling.getDescriptor(),
        V2beta2Autoscaling.getDescriptor());
    for (FileDescriptor file : files) {
      // k8s.io.api.apps.v1, k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1: <...>.<group>.<version>
      String[] pkg = file.getPackage().split("\\.");
      String version = pkg[pkg.length - 1];
      String group = pkg[pkg.length - 2];
      for (Descriptor message : file.getMessageTypes()) {
        BY_TYPE.put(group + "/" + version + "/" + message.getName(), message);
      }
    }
  }

  private ProtoTypes() {}

  /** The message of {@code kind} in {@code apiVersion} ({@code v1}, {@code apps/v1}); empty when not known. */
  static Optional<Descriptor> of(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    String pkg = PACKAGE_OF_GROUP.getOrDefault(group, group.split("\\.")[0]);
    return Optional.ofNullable(BY_TYPE.get(pkg + "/" + version + "/" + kind));
  }
}
