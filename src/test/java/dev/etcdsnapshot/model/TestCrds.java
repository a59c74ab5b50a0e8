package dev.etcdsnapshot.model;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the committed CRDs ({@code crds/*.yml}) into an API server, as the chart would, for tests. */
public final class TestCrds {

  private TestCrds() {}

  /** Creates every CRD in {@code crds/} through {@code client}. */
  public static void create(KubernetesClient client) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of("crds"), "*.yml")) {
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).create();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
