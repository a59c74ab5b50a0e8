package dev.etcdsnapshot.engine.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * What one value under {@code /registry/} holds, decoded: a Kubernetes object (from kube-apiserver's protobuf
 * envelope or from JSON), a value encrypted at rest (never guessed at), or a value this build cannot read, with
 * the reason.
 */
public sealed interface StoredObject {

  /** kube-apiserver's protobuf envelope starts with these four bytes, then a {@code runtime.Unknown}. */
  byte[] PROTOBUF_MAGIC = {'k', '8', 's', 0};

  /** Values written through an EncryptionConfiguration provider start with this. */
  String ENCRYPTED_PREFIX = "k8s:enc:";

  /** A decoded object as the API's JSON, {@code apiVersion} and {@code kind} first. */
  record Decoded(ObjectNode json) implements StoredObject {}

  /**
   * A value encrypted at rest: {@code k8s:enc:<provider>:<version>:<key name>:<ciphertext>}.
   *
   * @param provider aescbc, aesgcm, secretbox, kms
   * @param version the provider's format version (v1, v2)
   * @param keyName the key or KMS plugin name from the EncryptionConfiguration
   */
  record Encrypted(String provider, String version, String keyName) implements StoredObject {

    /** One line for a user: what it is and why it is not shown. */
    public String describe() {
      return "encrypted at rest by the " + provider + " provider (" + version + (keyName.isEmpty() ? "" : ", key "
          + keyName) + "); it can only be read with that key, which a snapshot does not hold";
    }
  }

  /** A value that is neither a known protobuf kind nor JSON. */
  record Undecodable(String reason) implements StoredObject {}

  /** Decodes one stored value; never throws for bad bytes. */
  static StoredObject decode(byte[] value) {
    if (startsWith(value, ENCRYPTED_PREFIX.getBytes(StandardCharsets.US_ASCII))) {
      return encrypted(value);
    }
    if (startsWith(value, PROTOBUF_MAGIC)) {
      return protobuf(Arrays.copyOfRange(value, PROTOBUF_MAGIC.length, value.length));
    }
    int first = 0;
    while (first < value.length && Character.isWhitespace(value[first])) {
      first++;
    }
    if (first < value.length && value[first] == '{') {
      return json(value);
    }
    return new Undecodable("neither kube-apiserver's protobuf envelope, JSON, nor an encrypted value ("
        + value.length + " bytes)");
  }

  private static StoredObject encrypted(byte[] value) {
    // Only the header is read: up to the ':' after the key name, all of it ASCII names from the config.
    String head = new String(value, 0, Math.min(value.length, 512), StandardCharsets.ISO_8859_1)
        .substring(ENCRYPTED_PREFIX.length());
    String[] parts = head.split(":", 4);
    String provider = parts[0];
    String version = parts.length > 1 ? parts[1] : "";
    String keyName = parts.length > 3 ? parts[2] : "";
    return new Encrypted(provider, version, printable(keyName) ? keyName : "");
  }

  private static boolean printable(String s) {
    return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static StoredObject protobuf(byte[] envelope) {
    Runtime.Unknown unknown;
    try {
      unknown = Runtime.Unknown.parseFrom(envelope);
    } catch (InvalidProtocolBufferException e) {
      return new Undecodable("a protobuf envelope that does not parse (" + e.getMessage() + ")");
    }
    String apiVersion = unknown.getTypeMeta().getApiVersion();
    String kind = unknown.getTypeMeta().getKind();
    Optional<Descriptor> type = ProtoTypes.of(apiVersion, kind);
    if (type.isEmpty()) {
      return new Undecodable("protobuf kind " + kind + " in " + apiVersion + " is not among the Kubernetes types "
          + "this build knows");
    }
    DynamicMessage message;
    try {
      message = DynamicMessage.parseFrom(type.get(), unknown.getRaw());
    } catch (InvalidProtocolBufferException e) {
      return new Undecodable(kind + " in " + apiVersion + " that does not parse (" + e.getMessage() + ")");
    }
    ObjectNode json = ProtoJson.object(message);
    ObjectNode object = json.objectNode();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    object.setAll(json);
    return new Decoded(object);
  }

  private static StoredObject json(byte[] value) {
    try {
      JsonNode node = new ObjectMapper().readTree(value);
      if (node instanceof ObjectNode object && object.hasNonNull("kind")) {
        return new Decoded(object);
      }
      return new Undecodable("JSON that is not a Kubernetes object (no kind)");
    } catch (IOException e) {
      return new Undecodable("JSON that does not parse");
    }
  }

  private static boolean startsWith(byte[] value, byte[] prefix) {
    return value.length >= prefix.length && Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
  }
}
