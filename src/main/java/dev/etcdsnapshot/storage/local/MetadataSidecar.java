package dev.etcdsnapshot.storage.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** k3s's extra-metadata sidecar: a compact JSON object of strings (k3s-compat §5.3). */
final class MetadataSidecar {

  private static final Logger LOG = LoggerFactory.getLogger(MetadataSidecar.class);

  private static final TypeReference<TreeMap<String, String>> STRING_MAP = new TypeReference<>() {};

  private MetadataSidecar() {}

  /** The sidecar's map; empty when there is none or it is not a JSON object of strings. */
  static Map<String, String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    try {
      return Json.MAPPER.readValue(file.toFile(), STRING_MAP);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      LOG.warn("ignoring unreadable snapshot metadata {}: {}", file, e.getMessage());
      return Map.of();
    }
  }

  /** Writes the sidecar through a {@code .part} file; the metadata folder is created 0700 when missing. */
  static void write(Path file, Map<String, String> extra) throws IOException {
    PrivateFiles.createPrivateDirectories(file.getParent());
    try (LocalPartFile part = LocalPartFile.create(file.getParent(), file.getFileName().toString())) {
      Channels.newOutputStream(part.channel()).write(Json.MAPPER.writeValueAsBytes(new TreeMap<>(extra)));
      part.commit();
    }
  }

  /** Loaded only when a sidecar is read or written, so plain listings do not pay for Jackson's start-up. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
}
