package dev.etcdsnapshot.model;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerationInfo;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the three CRDs from the model into a directory ({@code crds/} in the repository), with fabric8's
 * generator API rather than its Maven plugin, because only the API takes a post-processor and the
 * ETCDSnapshotFile CRD must not have the status subresource the generator adds for every class with a status
 * (see {@link ModelPostProcessor}).
 *
 * <p>Regenerate the committed files with {@code mvn -B -o test -Dtest=CrdDriftTest -Dcrds.update=true}.
 */
public final class CrdGeneration {

  /** The model classes that become CRDs. */
  public static final List<Class<? extends HasMetadata>> KINDS =
      List.of(EtcdSnapshotFile.class, EtcdSnapshotSchedule.class, EtcdSnapshotRequest.class);

  private CrdGeneration() {}

  /** Writes {@code <plural>.<group>-v1.yml} for every kind into {@code dir} and returns the files written. */
  public static List<Path> generate(Path dir) throws IOException {
    Files.createDirectories(dir);
    CRDGenerationInfo info =
        new CRDGenerator()
            .inOutputDir(dir.toFile())
            .forCRDVersions("v1")
            .withParallelGenerationEnabled(false)
            .withPostProcessor(new ModelPostProcessor())
            .customResourceClasses(KINDS)
            .detailedGenerate();
    return info.getCRDDetailsPerNameAndVersion().values().stream().flatMap(m -> m.values().stream())
        .map(i -> Path.of(i.getFilePath()))
        .sorted()
        .toList();
  }

  /** Entry point for generating by hand: {@code CrdGeneration <dir>}. */
  public static void main(String[] args) throws IOException {
    generate(Path.of(args.length > 0 ? args[0] : "crds")).forEach(System.out::println);
  }

  /**
   * Makes the generated CRDs say what the model says: the generator ignores class descriptions and sorts printer
   * columns by name, and it adds a status subresource that k3s's ETCDSnapshotFile CRD does not have.
   */
  static final class ModelPostProcessor implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      if (!(crd instanceof CustomResourceDefinition def)) {
        return crd;
      }
      KINDS.stream()
          .filter(k -> HasMetadata.getFullResourceName(k).equals(def.getMetadata().getName()))
          .findFirst()
          .ifPresent(kind -> def.getSpec().getVersions().forEach(v -> apply(kind, v)));
      return crd;
    }

    private static void apply(Class<? extends HasMetadata> kind, CustomResourceDefinitionVersion version) {
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      root.setDescription(describe(kind));
      for (String part : List.of("spec", "status")) {
        JSONSchemaProps props = root.getProperties().get(part);
        if (props != null) {
          props.setDescription(describe(partType(kind, part)));
        }
      }
      List<String> declared =
          Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class)).map(AdditionalPrinterColumn::name).toList();
      version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
      if (kind == EtcdSnapshotFile.class) {
        version.setSubresources(null);
      }
      describeConditions(root);
    }

    /**
     * The conditions lists use fabric8's {@link io.fabric8.kubernetes.api.model.Condition}, which carries no
     * descriptions; {@code kubectl explain} should still say what each of its fields means.
     */
    private static void describeConditions(JSONSchemaProps props) {
      if (props.getProperties() == null) {
        return;
      }
      props.getProperties().forEach((name, child) -> {
        if ("conditions".equals(name) && child.getItems() != null && child.getItems().getSchema() != null) {
          child.getItems().getSchema().getProperties().forEach((field, f) -> {
            String text = CONDITION_FIELDS.get(field);
            if (text == null) {
              throw new IllegalStateException("condition field " + field + " needs a description");
            }
            f.setDescription(text);
          });
        }
        describeConditions(child);
      });
    }

    private static final java.util.Map<String, String> CONDITION_FIELDS = java.util.Map.of(
        "type", "Type is what the condition is about, for example Ready or Degraded.",
        "status", "Status is True, False or Unknown.",
        "reason", "Reason is a one-word CamelCase cause of the last change, for tools to match on.",
        "message", "Message says in words why the condition has its status; never a credential.",
        "lastTransitionTime", "LastTransitionTime is when the status last changed (RFC3339).",
        "observedGeneration",
        "ObservedGeneration is the metadata.generation the condition was computed from.");

    private static Class<?> partType(Class<?> kind, String part) {
      ParameterizedType type = (ParameterizedType) kind.getGenericSuperclass();
      return (Class<?>) type.getActualTypeArguments()["spec".equals(part) ? 0 : 1];
    }

    private static String describe(Class<?> type) {
      JsonClassDescription d = type.getAnnotation(JsonClassDescription.class);
      if (d == null) {
        throw new IllegalStateException(type.getName() + " needs a @JsonClassDescription: it becomes kubectl explain text");
      }
      return d.value();
    }
  }
}
