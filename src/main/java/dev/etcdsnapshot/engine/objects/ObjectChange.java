package dev.etcdsnapshot.engine.objects;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.List;

/**
 * One object's change between two snapshots as a unified diff of its Kubernetes YAML, as stored (server fields
 * included: a change of labels, spec or status shows, the resourceVersion is not stored and does not).
 */
public final class ObjectChange {

  private static final int CONTEXT = 3;

  private ObjectChange() {}

  /**
   * The unified diff from {@code before} to {@code after} (raw stored values, null when absent), headed by the two
   * labels; a value that is not a decodable object is described in one line instead of diffed.
   */
  public static String unified(String labelA, byte[] before, String labelB, byte[] after) {
    List<String> a = lines(before);
    List<String> b = lines(after);
    Patch<String> patch = DiffUtils.diff(a, b);
    if (patch.getDeltas().isEmpty()) {
      return "";
    }
    return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(labelA, labelB, a, patch, CONTEXT)) + "\n";
  }

  private static List<String> lines(byte[] value) {
    if (value == null) {
      return List.of();
    }
    StoredObject object = StoredObject.decode(value);
    String text;
    if (object instanceof StoredObject.Decoded d) {
      text = ObjectOutput.yaml(d.json());
    } else if (object instanceof StoredObject.Encrypted e) {
      text = "# " + e.describe();
    } else {
      text = "# " + ((StoredObject.Undecodable) object).reason();
    }
    return text.lines().toList();
  }
}
