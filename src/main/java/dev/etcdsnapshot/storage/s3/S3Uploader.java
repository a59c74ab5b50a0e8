package dev.etcdsnapshot.storage.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads one file: a single PUT up to the threshold, above it a manual multipart upload (S3Proxy and other
 * S3-compatible stores do not support the SDK's transfer manager everywhere) with fixed-size parts read straight
 * from the file and at most {@code partsInFlight} parts on the wire. Any failure or interruption aborts the
 * multipart upload, so no orphan parts are left to be billed.
 */
final class S3Uploader {

  private static final Logger LOG = LoggerFactory.getLogger(S3Uploader.class);
  private static final long MAX_PARTS = 10_000;

  private final S3Client s3;
  private final String bucket;
  private final S3Failures failures;
  private final ExecutorService workers;
  private final long partSize;
  private final long threshold;
  private final int partsInFlight;
  private final Duration abortBudget;

  /** How long a process being terminated tries to abort its multipart upload. */
  static final Duration ON_EXIT_ABORT_BUDGET = Duration.ofSeconds(10);
  private final long progressEveryNanos;

  S3Uploader(S3Client s3, String bucket, S3Failures failures, ExecutorService workers, long partSize,
      long threshold, int partsInFlight, Duration abortBudget, Duration progressEvery) {
    this.abortBudget = abortBudget;
    this.progressEveryNanos = progressEvery.toNanos();
    this.s3 = s3;
    this.bucket = bucket;
    this.failures = failures;
    this.workers = workers;
    this.partSize = partSize;
    this.threshold = threshold;
    this.partsInFlight = partsInFlight;
  }

  /**
   * Uploads {@code file} to {@code key}; returns the object's ETag.
   *
   * @param sha256Base64 the file's SHA-256 for a single PUT's {@code x-amz-checksum-sha256}, or null for none
   *     (multipart parts carry no checksum of ours: a composite one could not be compared with the file's)
   */
  String upload(String key, Path file, long size, String contentType, Map<String, String> userMetadata,
      String sha256Base64) throws IOException {
    if (size <= threshold) {
      try {
        return s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType).metadata(userMetadata)
            .contentLength(size).checksumSHA256(sha256Base64), RequestBody.fromContentProvider(() -> slice(file, 0, size), size, contentType))
            .eTag();
      } catch (RuntimeException e) {
        throw failures.io("failed to upload " + key + " to bucket " + bucket, e);
      }
    }
    return multipart(key, file, size, contentType, userMetadata);
  }

  private String multipart(String key, Path file, long size, String contentType, Map<String, String> meta)
      throws IOException {
    // The part size is fixed unless the file is so big that S3's 10,000-part limit forces bigger parts.
    long part = Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
    CreateMultipartUploadResponse created;
    try {
      created = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).contentType(contentType).metadata(meta));
    } catch (RuntimeException e) {
      throw failures.io("failed to start the upload of " + key + " to bucket " + bucket, e);
    }
    String uploadId = created.uploadId();
    // SIGTERM/SIGINT end the process without unwinding this thread: a shutdown hook aborts the upload (within
    // ON_EXIT_ABORT_BUDGET, as a killed pod's grace period is short) so that no parts are left behind.
    Thread onExit = new Thread(() -> abort(key, uploadId, ON_EXIT_ABORT_BUDGET), "abort-upload-on-exit");
    boolean hooked = ShutdownHooks.add(onExit);
    try {
      List<CompletedPart> parts = uploadParts(key, uploadId, file, size, part);
      parts.sort(Comparator.comparingInt(CompletedPart::partNumber));
      return s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts))).eTag();
    } catch (InterruptedException e) {
      abort(key, uploadId);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("upload of " + key + " was interrupted; the multipart upload was aborted");
    } catch (IOException | RuntimeException e) {
      abort(key, uploadId);
      Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
      throw failures.io("failed to upload " + key + " to bucket " + bucket, cause);
    } finally {
      if (hooked) {
        ShutdownHooks.remove(onExit);
      }
    }
  }


  private List<CompletedPart> uploadParts(String key, String uploadId, Path file, long size, long part)
      throws InterruptedException, IOException {
    int count = (int) ((size + part - 1) / part);
    CompletionService<CompletedPart> done = new ExecutorCompletionService<>(workers);
    List<Future<CompletedPart>> running = new ArrayList<>();
    List<CompletedPart> finished = new ArrayList<>(count);
    AtomicLong sent = new AtomicLong();
    Progress progress = new Progress(key, size, progressEveryNanos);
    int next = 1;
    try {
      while (finished.size() < count) {
        while (next <= count && running.size() - finished.size() < partsInFlight) {
          int number = next++;
          long offset = (number - 1) * part;
          long length = Math.min(part, size - offset);
          running.add(done.submit(() -> uploadPart(key, uploadId, file, number, offset, length)));
        }
        CompletedPart completed = done.take().get();
        finished.add(completed);
        progress.report(sent.addAndGet(Math.min(part, size - (completed.partNumber() - 1L) * part)));
      }
      return finished;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    } finally {
      if (finished.size() < count) {
        running.forEach(f -> f.cancel(true));
        awaitCancelled(running);
      }
    }
  }

  private CompletedPart uploadPart(String key, String uploadId, Path file, int number, long offset, long length) {
    UploadPartResponse r = s3.uploadPart(p -> p.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
        .contentLength(length), RequestBody.fromContentProvider(() -> slice(file, offset, length), length,
            "application/octet-stream"));
    return CompletedPart.builder().partNumber(number).eTag(r.eTag()).build();
  }

  /** Waits (bounded) for cancelled parts so that none lands after the abort. */
  private static void awaitCancelled(List<Future<CompletedPart>> running) {
    boolean interrupted = Thread.interrupted();
    for (Future<CompletedPart> f : running) {
      try {
        f.get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (Exception ignored) {
        // Cancelled or failed: either way it is no longer sending.
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Aborts a multipart upload, retrying with backoff for up to {@code abortBudget}: the failure that got us here
   * may be a short outage, and an upload not aborted keeps its parts (and their cost) until someone cleans up.
   */
  private void abort(String key, String uploadId) {
    abort(key, uploadId, abortBudget);
  }

  private void abort(String key, String uploadId, Duration budget) {
    // The SDK refuses to start a call on an interrupted thread, and this call must happen.
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + budget.toNanos();
    long backoffMillis = 500;
    try {
      while (true) {
        try {
          s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
          LOG.info("Aborted the multipart upload of {} to bucket {}", key, bucket);
          return;
        } catch (RuntimeException e) {
          if (S3Failures.notFound(e)) {
            return; // already gone
          }
          if (System.nanoTime() + backoffMillis * 1_000_000L > deadline) {
            LOG.warn("Could not abort multipart upload {} of {} in bucket {}: {}. Its parts stay until it is "
                + "aborted (aws s3api abort-multipart-upload) or a lifecycle rule removes incomplete uploads",
                uploadId, key, bucket, failures.reason(e));
            return;
          }
        }
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException e) {
          interrupted = true;
          return;
        }
        backoffMillis = Math.min(backoffMillis * 2, 8_000);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static FileSlice slice(Path file, long offset, long length) {
    try {
      return new FileSlice(file, offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Logs bytes and percent every few seconds, so only uploads that take a while say anything. */
  private static final class Progress {
    private final String key;
    private final long total;
    private final long every;
    private long lastLog = System.nanoTime();

    Progress(String key, long total, long everyNanos) {
      this.key = key;
      this.total = total;
      this.every = everyNanos;
    }

    void report(long sent) {
      long now = System.nanoTime();
      if (now - lastLog >= every && sent < total) {
        lastLog = now;
        LOG.info("Uploading {}: {} of {} bytes ({}%)", key, sent, total, sent * 100 / total);
      }
    }
  }
}
