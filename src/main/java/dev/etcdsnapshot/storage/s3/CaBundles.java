package dev.etcdsnapshot.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Turns {@code etcd-s3-endpoint-ca} values into certificates and a trust manager. A value may be PEM text (one
 * or more {@code CERTIFICATE} blocks), or whitespace-separated items each of which is base64-encoded PEM or a
 * file path (k3s's flag syntax).
 */
final class CaBundles {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

  private CaBundles() {}

  /** Every certificate in one setting value; the key is only used to name the setting in errors. */
  static List<X509Certificate> parse(String key, String value) {
    if (value.contains("-----BEGIN")) {
      return fromPem(key, value);
    }
    List<X509Certificate> certs = new ArrayList<>();
    for (String item : value.trim().split("\\s+")) {
      if (!item.isEmpty()) {
        certs.addAll(fromPem(key, decodeItem(key, item)));
      }
    }
    return certs;
  }

  /** A trust manager that trusts exactly the given certificates (not the JDK's default CAs, as k3s). */
  static TrustManager[] trustManagers(List<X509Certificate> certs) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certs.size(); i++) {
        store.setCertificateEntry("endpoint-ca-" + i, certs.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store from etcd-s3-endpoint-ca: " + e.getMessage(), e);
    }
  }

  private static String decodeItem(String key, String item) {
    try {
      String decoded = new String(Base64.getDecoder().decode(item), StandardCharsets.UTF_8);
      if (decoded.contains("-----BEGIN")) {
        return decoded;
      }
    } catch (IllegalArgumentException notBase64) {
      // Not base64: k3s then reads the item as a file path.
    }
    Path path = Path.of(item);
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new InvalidS3SettingException(key, "names a CA file that cannot be read: " + path);
    }
  }

  private static List<X509Certificate> fromPem(String key, String pem) {
    List<X509Certificate> certs = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException | IllegalArgumentException e) {
      throw new InvalidS3SettingException(key, "contains a certificate that cannot be parsed");
    }
    if (certs.isEmpty()) {
      throw new InvalidS3SettingException(key, "contains no PEM certificate (no certificates loaded)");
    }
    return certs;
  }
}
