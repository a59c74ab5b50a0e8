package dev.etcdsnapshot.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA and a server certificate it signed for {@code 127.0.0.1}, {@code localhost} and
 * {@code *.localhost}, generated in memory with Bouncy Castle, so TLS tests need no files or network.
 */
public final class TestCertificates {

  private final X509Certificate ca;
  private final X509Certificate server;
  private final KeyPair serverKeys;

  private TestCertificates(X509Certificate ca, X509Certificate server, KeyPair serverKeys) {
    this.ca = ca;
    this.server = server;
    this.serverKeys = serverKeys;
  }

  /** A fresh CA ("<name> CA") and a server certificate signed by it. */
  public static TestCertificates generate(String name) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(256);
      KeyPair caKeys = gen.generateKeyPair();
      X500Name caName = new X500Name("CN=" + name + " CA");
      Instant now = Instant.now();
      X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), caName,
          caKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate ca = sign(caBuilder, caKeys);
      KeyPair serverKeys = gen.generateKeyPair();
      X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(caName, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
          new X500Name("CN=localhost"), serverKeys.getPublic())
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.dNSName, "*.localhost")}));
      return new TestCertificates(ca, sign(serverBuilder, caKeys), serverKeys);
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate test certificates", e);
    }
  }

  /** The CA certificate as PEM: what goes into {@code etcd-s3-endpoint-ca}. */
  public String caPem() {
    try {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
        pem.writeObject(ca);
      }
      return out.toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server certificate chain (server, then CA) as PEM, for servers that read files (s3rver's {@code --cert}). */
  public String serverCertificatePem() {
    return pem(server) + pem(ca);
  }

  /** The server's private key as PKCS#8 PEM (s3rver's {@code --key}). */
  public String serverKeyPem() {
    return "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(serverKeys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static String pem(Object o) {
    try {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
        pem.writeObject(o);
      }
      return out.toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate caCertificate() {
    return ca;
  }

  /** A server-side SSLContext presenting the server certificate. */
  public SSLContext serverContext() {
    try {
      char[] password = "changeit".toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", serverKeys.getPrivate(), password, new X509Certificate[] {server, ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
    ContentSigner cs = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(cs));
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom());
  }
}
