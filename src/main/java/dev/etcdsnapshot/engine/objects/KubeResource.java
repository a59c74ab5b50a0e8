package dev.etcdsnapshot.engine.objects;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A kind of object in etcd, named as kubectl names it ({@code configmaps}, {@code deployments.apps},
 * {@code widgets.example.com}), with the storage name kube-apiserver files it under. The built-ins users ask for
 * most are in a table with kubectl's short and singular names; any other name is taken as a custom resource
 * ({@code <plural>.<group>}, stored under {@code /registry/<group>/<plural>/}) or as a storage name as it is.
 *
 * @param plural the resource's plural name
 * @param group its API group, empty for the core group, null when not known
 * @param storage the key part after {@code /registry/} (the reader's {@code RegistryKey.resource()})
 * @param namespaced true, false, or null when not known
 */
public record KubeResource(String plural, String group, String storage, Boolean namespaced) {

  private static final Map<String, KubeResource> BY_NAME = new LinkedHashMap<>();
  private static final Map<String, KubeResource> BY_STORAGE = new LinkedHashMap<>();

  static {
    core("configmaps", "configmaps", true, "cm", "configmap");
    core("secrets", "secrets", true, "secret");
    core("namespaces", "namespaces", false, "ns", "namespace");
    core("pods", "pods", true, "po", "pod");
    core("services", "services/specs", true, "svc", "service");
    core("endpoints", "services/endpoints", true, "ep");
    core("nodes", "minions", false, "no", "node");
    core("serviceaccounts", "serviceaccounts", true, "sa", "serviceaccount");
    core("persistentvolumes", "persistentvolumes", false, "pv", "persistentvolume");
    core("persistentvolumeclaims", "persistentvolumeclaims", true, "pvc", "persistentvolumeclaim");
    core("replicationcontrollers", "controllers", true, "rc", "replicationcontroller");
    core("events", "events", true, "ev", "event");
    core("limitranges", "limitranges", true, "limits", "limitrange");
    core("resourcequotas", "resourcequotas", true, "quota", "resourcequota");
    core("podtemplates", "podtemplates", true, "podtemplate");
    add("deployments", "apps", "deployments", true, "deploy", "deployment");
    add("replicasets", "apps", "replicasets", true, "rs", "replicaset");
    add("statefulsets", "apps", "statefulsets", true, "sts", "statefulset");
    add("daemonsets", "apps", "daemonsets", true, "ds", "daemonset");
    add("controllerrevisions", "apps", "controllerrevisions", true, "controllerrevision");
    add("jobs", "batch", "jobs", true, "job");
    add("cronjobs", "batch", "cronjobs", true, "cj", "cronjob");
    add("ingresses", "networking.k8s.io", "ingress", true, "ing", "ingress");
    add("networkpolicies", "networking.k8s.io", "networkpolicies", true, "netpol", "networkpolicy");
    add("ingressclasses", "networking.k8s.io", "ingressclasses", false, "ingressclass");
    add("roles", "rbac.authorization.k8s.io", "roles", true, "role");
    add("rolebindings", "rbac.authorization.k8s.io", "rolebindings", true, "rolebinding");
    add("clusterroles", "rbac.authorization.k8s.io", "clusterroles", false, "clusterrole");
    add("clusterrolebindings", "rbac.authorization.k8s.io", "clusterrolebindings", false, "clusterrolebinding");
    add("storageclasses", "storage.k8s.io", "storageclasses", false, "sc", "storageclass");
    add("csidrivers", "storage.k8s.io", "csidrivers", false, "csidriver");
    add("csinodes", "storage.k8s.io", "csinodes", false, "csinode");
    add("volumeattachments", "storage.k8s.io", "volumeattachments", false, "volumeattachment");
    add("poddisruptionbudgets", "policy", "poddisruptionbudgets", true, "pdb", "poddisruptionbudget");
    add("horizontalpodautoscalers", "autoscaling", "horizontalpodautoscalers", true, "hpa",
        "horizontalpodautoscaler");
    add("priorityclasses", "scheduling.k8s.io", "priorityclasses", false, "pc", "priorityclass");
    add("leases", "coordination.k8s.io", "leases", true, "lease");
    add("endpointslices", "discovery.k8s.io", "endpointslices", true, "endpointslice");
    add("customresourcedefinitions", "apiextensions.k8s.io", "apiextensions.k8s.io/customresourcedefinitions",
        false, "crd", "crds", "customresourcedefinition");
    add("apiservices", "apiregistration.k8s.io", "apiregistration.k8s.io/apiservices", false, "apiservice");
    add("mutatingwebhookconfigurations", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", false,
        "mutatingwebhookconfiguration");
    add("validatingwebhookconfigurations", "admissionregistration.k8s.io", "validatingwebhookconfigurations",
        false, "validatingwebhookconfiguration");
    add("certificatesigningrequests", "certificates.k8s.io", "certificatesigningrequests", false, "csr",
        "certificatesigningrequest");
    add("runtimeclasses", "node.k8s.io", "runtimeclasses", false, "runtimeclass");
    add("flowschemas", "flowcontrol.apiserver.k8s.io", "flowschemas", false, "flowschema");
    add("prioritylevelconfigurations", "flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", false,
        "prioritylevelconfiguration");
  }

  private static void core(String plural, String storage, boolean namespaced, String... aliases) {
    add(plural, "", storage, namespaced, aliases);
  }

  private static void add(String plural, String group, String storage, boolean namespaced, String... aliases) {
    KubeResource r = new KubeResource(plural, group, storage, namespaced);
    BY_STORAGE.put(storage, r);
    for (String name : concat(plural, aliases)) {
      BY_NAME.put(name, r);
      if (!group.isEmpty()) {
        BY_NAME.put(name + "." + group, r);
      }
    }
  }

  private static List<String> concat(String first, String... rest) {
    return Stream.concat(Stream.of(first), Arrays.stream(rest)).toList();
  }

  /**
   * The resource a user means by {@code name}: a built-in by kubectl's plural, singular or short name (alone or
   * with its group), otherwise {@code <plural>.<group>} as a custom resource, otherwise the name as a storage name.
   */
  public static KubeResource named(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.isEmpty() || n.contains("/")) {
      throw new IllegalArgumentException("RESOURCE '" + name + "' is not a resource name (e.g. configmaps, "
          + "deployments.apps, widgets.example.com)");
    }
    KubeResource known = BY_NAME.get(n);
    if (known != null) {
      return known;
    }
    int dot = n.indexOf('.');
    if (dot > 0 && dot < n.length() - 1) {
      String plural = n.substring(0, dot);
      String group = n.substring(dot + 1);
      return new KubeResource(plural, group, group + "/" + plural, null);
    }
    return new KubeResource(n, null, n, null);
  }

  /** The resource whose objects are stored under {@code storage} (a {@code RegistryKey.resource()}). */
  public static KubeResource stored(String storage) {
    KubeResource known = BY_STORAGE.get(storage);
    if (known != null) {
      return known;
    }
    int slash = storage.indexOf('/');
    if (slash > 0 && storage.substring(0, slash).contains(".")) {
      return new KubeResource(storage.substring(slash + 1), storage.substring(0, slash), storage, null);
    }
    return new KubeResource(storage, null, storage, null);
  }

  /** The built-in resources of the table, in its order. */
  public static List<KubeResource> builtIns() {
    return List.copyOf(BY_STORAGE.values());
  }

  /** The names {@link #named} knows for this resource, plural first. */
  public List<String> aliases() {
    return BY_NAME.entrySet().stream().filter(e -> e.getValue().equals(this) && !e.getKey().contains("."))
        .map(Map.Entry::getKey).toList();
  }

  /** kubectl's full name: {@code plural.group}, or the plural alone for the core group and unknown groups. */
  public String displayName() {
    return group == null || group.isEmpty() ? plural : plural + "." + group;
  }

  /** The etcd key prefix of its objects. */
  public String keyPrefix() {
    return ObjectKeys.prefixOf(storage);
  }

  /** Whether objects of this resource sit in a namespace; empty when not known (not in the table). */
  public Optional<Boolean> isNamespaced() {
    return Optional.ofNullable(namespaced);
  }
}
