package dev.etcdsnapshot.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Indented JSON of plain maps, lists, strings, numbers and booleans, written with jackson-core's streaming generator
 * and its default pretty printer, so the text is what {@code ObjectMapper} with {@code INDENT_OUTPUT} writes. A
 * command that prints one document and exits skips jackson-databind's start-up (type factory, serializers, date
 * format and calendar data: ~0.1 s of a fresh JVM's CPU).
 */
final class JsonText {

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonText() {}

  /** The document and a final newline. */
  static String of(Object value) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(text).useDefaultPrettyPrinter()) {
      write(json, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return text.append('\n').toString();
  }

  private static void write(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        json.writeFieldName(String.valueOf(e.getKey()));
        write(json, e.getValue());
      }
      json.writeEndObject();
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object item : list) {
        write(json, item);
      }
      json.writeEndArray();
    } else if (value instanceof Long || value instanceof Integer) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof String s) {
      json.writeString(s);
    } else {
      throw new IllegalArgumentException("no JSON for a " + value.getClass().getName());
    }
  }
}
