package dev.etcdsnapshot.storage.s3;

/**
 * Registers the hook that cleans up after an S3 transfer (an upload's abort, a download's part file) when the JVM is
 * told to stop mid-transfer; a JVM already shutting down refuses new hooks, which is reported, not thrown.
 */
final class ShutdownHooks {

  private ShutdownHooks() {}

  /** Adds {@code hook}; false when the JVM is already shutting down. */
  static boolean add(Thread hook) {
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /** Removes {@code hook} once the transfer is over; a JVM already shutting down keeps it, which is harmless. */
  static void remove(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Shutting down: the hook runs or has run, and it only cleans up what is still there.
    }
  }
}
