package dev.etcdsnapshot.engine.etcd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files etcd clients are given: certificates, and private keys in PKCS#8, PKCS#1 (RSA) or SEC1 (EC)
 * form — k3s's etcd client key is SEC1, which the JDK and Netty cannot read without BouncyCastle. Errors name the
 * flag and the file, never the content.
 */
final class PemFiles {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----", Pattern.DOTALL);

  private static final byte[] RSA_ALGORITHM = {
      0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private PemFiles() {}

  /** Every certificate in a PEM file; at least one. */
  static List<X509Certificate> certificates(String flag, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast)
          .toList();
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(flag + ": no certificate found in " + file);
      }
      return certs;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(flag + ": cannot read certificates from " + file + ": " + e.getMessage());
    }
  }

  /** The private key in a PEM file. */
  static PrivateKey privateKey(String flag, Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + ": cannot read " + file + ": " + e.getMessage());
    }
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      byte[] der = Base64.getMimeDecoder().decode(m.group(2).trim());
      try {
        return switch (type) {
          case "PRIVATE KEY" -> pkcs8(der);
          case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(
              new PKCS8EncodedKeySpec(wrapPkcs8(RSA_ALGORITHM, der)));
          case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(
              new PKCS8EncodedKeySpec(wrapPkcs8(ecAlgorithm(der), der)));
          default -> throw new IllegalArgumentException(flag + ": " + type.toLowerCase() + " in " + file
              + " is not supported; give an unencrypted PKCS#8, RSA or EC key");
        };
      } catch (GeneralSecurityException | RuntimeException e) {
        if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
            && iae.getMessage().startsWith(flag)) {
          throw iae;
        }
        throw new IllegalArgumentException(flag + ": cannot read the private key in " + file);
      }
    }
    throw new IllegalArgumentException(flag + ": no PEM private key found in " + file);
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException("unknown key algorithm");
  }

  /** AlgorithmIdentifier {ecPublicKey, namedCurve} with the curve taken from the SEC1 key's parameters. */
  private static byte[] ecAlgorithm(byte[] sec1) {
    Der outer = new Der(sec1, 0);
    int pos = outer.valueStart;
    while (pos < outer.end) {
      Der element = new Der(sec1, pos);
      if ((sec1[pos] & 0xff) == 0xa0) {
        byte[] curve = Arrays.copyOfRange(sec1, element.valueStart, element.end);
        return sequence(concat(EC_PUBLIC_KEY_OID, curve));
      }
      pos = element.end;
    }
    throw new IllegalArgumentException("EC key without named curve");
  }

  private static byte[] wrapPkcs8(byte[] algorithm, byte[] key) {
    byte[] version = {0x02, 0x01, 0x00};
    return sequence(concat(version, algorithm, tagged(0x04, key)));
  }

  private static byte[] sequence(byte[] content) {
    return tagged(0x30, content);
  }

  private static byte[] tagged(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** One DER element's bounds. */
  private static final class Der {
    final int valueStart;
    final int end;

    Der(byte[] der, int start) {
      int pos = start + 1;
      int length = der[pos++] & 0xff;
      if (length >= 0x80) {
        int bytes = length & 0x7f;
        length = 0;
        for (int i = 0; i < bytes; i++) {
          length = (length << 8) | (der[pos++] & 0xff);
        }
      }
      this.valueStart = pos;
      this.end = pos + length;
      if (end > der.length) {
        throw new IllegalArgumentException("truncated DER");
      }
    }
  }
}
