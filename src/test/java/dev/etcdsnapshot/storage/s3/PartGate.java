package dev.etcdsnapshot.storage.s3;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Holds the first successful UploadPart until the test has done its damage (stopped the server, interrupted
 * the uploader), so "mid-upload" is a fact and not a race.
 */
final class PartGate implements ExecutionInterceptor {

  final CountDownLatch firstPartDone = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if ("UploadPart".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
        && firstPartDone.getCount() > 0) {
      firstPartDone.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
