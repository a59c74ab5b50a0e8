package dev.etcdsnapshot.storage.s3;

import java.util.Locale;

/**
 * When the AWS SDK adds and checks CRC checksums ({@code requestChecksumCalculation} and
 * {@code responseChecksumValidation}). The SDK's own default, {@link #WHEN_SUPPORTED}, sends aws-chunked bodies
 * with trailing checksums that several S3-compatible stores reject, so non-AWS endpoints default to
 * {@link #WHEN_REQUIRED}.
 */
public enum ChecksumPolicy {
  /** Checksums on every request that supports them (the SDK default; right for AWS). */
  WHEN_SUPPORTED,
  /** Checksums only where the S3 API requires them (the safe choice for S3-compatible stores). */
  WHEN_REQUIRED;

  /** Parses {@code when_supported} / {@code when-supported} / {@code when_required} / ..., case-insensitively. */
  static ChecksumPolicy parse(String value) {
    try {
      return valueOf(value.trim().replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidS3SettingException(S3Settings.CHECKSUM, "must be when_supported or when_required");
    }
  }
}
