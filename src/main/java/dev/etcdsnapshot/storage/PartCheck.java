package dev.etcdsnapshot.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Looks at a downloaded file before it takes its final name; throws to refuse it (it is then deleted). */
@FunctionalInterface
public interface PartCheck {

  /** Refuses {@code part} by throwing; returning accepts it. */
  void check(Path part) throws IOException;
}
