package dev.etcdsnapshot.engine.file;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns an exception into the one line a user reads: what failed and on which file, without a stack trace. */
public final class Messages {

  private Messages() {}

  /** One line describing {@code e}; file-system errors name the file and say what is wrong in words. */
  public static String of(Throwable e) {
    if (e instanceof FileSystemException fs && fs.getReason() == null) {
      return fs.getFile() + ": " + fileProblem(fs);
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getCause() != null && e.getCause() != e ? of(e.getCause()) : e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String fileProblem(FileSystemException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    return e.getClass().getSimpleName();
  }
}
