package dev.etcdsnapshot.engine;

import java.nio.file.Path;

/** Run in a child JVM by {@link NodeLockTest}: holds a node lock until its stdin closes. */
public final class NodeLockHolder {
  private NodeLockHolder() {}

  public static void main(String[] args) throws Exception {
    try (var held = NodeLock.acquire(NodeLockTest.directory(Path.of(args[0]), args[1]))) {
      System.out.println("locked");
      System.out.flush();
      System.in.read();
    }
  }
}
