package dev.etcdsnapshot.storage.s3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns SDK exceptions into {@link IOException}s whose message says what failed and why, and never contains a
 * credential: any configured credential value is cut out of the text, and the SDK exception is not chained
 * (its raw response could echo the access key id).
 */
final class S3Failures {

  private final List<String> secrets = new ArrayList<>();
  private final String timeout;

  S3Failures(S3Settings s) {
    for (String v : new String[] {s.accessKey, s.secretKey, s.sessionToken}) {
      if (v != null && !v.isEmpty()) {
        secrets.add(v);
      }
    }
    timeout = GoDuration.format(s.timeout());
  }

  /** {@code <what>: <reason>}, e.g. {@code failed to upload a/b to bucket x: AccessDenied (HTTP 403): ...}. */
  IOException io(String what, Throwable e) {
    return new IOException(scrub(what + ": " + reason(e)));
  }

  /** The reason alone, scrubbed. */
  String reason(Throwable e) {
    String r;
    if (e instanceof S3Exception && ((S3Exception) e).awsErrorDetails() != null) {
      S3Exception s3 = (S3Exception) e;
      String code = s3.awsErrorDetails().errorCode();
      String msg = s3.awsErrorDetails().errorMessage();
      r = (code == null ? "error" : code) + " (HTTP " + s3.statusCode() + ")" + (msg == null ? "" : ": " + msg);
    } else if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      r = "timed out after " + timeout + " (etcd-s3-timeout)";
    } else if (e instanceof AbortedException) {
      r = "interrupted";
    } else if (e instanceof SdkException || e.getMessage() != null) {
      r = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    } else {
      r = e.getClass().getSimpleName();
    }
    return scrub(r);
  }

  /**
   * Removes every configured credential value from a text, wherever it stands as a whole token (no letter or digit
   * right before or after it): a short credential such as {@code admin} is cut from {@code user admin} but leaves
   * {@code administrator} as it was. Longer values go first, so no piece of a credential that contains another is
   * left behind.
   */
  String scrub(String text) {
    String out = text;
    List<String> longestFirst = new ArrayList<>(secrets);
    longestFirst.sort((a, b) -> Integer.compare(b.length(), a.length()));
    for (String secret : longestFirst) {
      out = cut(out, secret);
    }
    return out;
  }

  private static String cut(String text, String secret) {
    StringBuilder out = new StringBuilder(text.length());
    int from = 0;
    for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
      int end = at + secret.length();
      boolean whole = (at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1)))
          && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)));
      if (whole && at >= from) {
        out.append(text, from, at).append("<redacted>");
        from = end;
      }
    }
    return out.append(text, from, text.length()).toString();
  }

  static boolean notFound(Throwable e) {
    return e instanceof S3Exception && ((S3Exception) e).statusCode() == 404;
  }
}
