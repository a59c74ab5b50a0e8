package dev.etcdsnapshot.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away CA with an etcd server certificate for 127.0.0.1 and a client certificate, as PEM files. Keys are EC
 * P-256; the client key is written in SEC1 form ({@code BEGIN EC PRIVATE KEY}), as k3s writes its etcd client key.
 *
 * @param caCert the CA certificate
 * @param serverCert the server certificate (SAN IP 127.0.0.1, DNS localhost)
 * @param serverKey its key (PKCS#8)
 * @param clientCert the client certificate
 * @param clientKey its key (SEC1)
 */
public record EtcdTls(Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

  /** Generates the files into {@code dir}. */
  public static EtcdTls generate(Path dir) throws Exception {
    KeyPair ca = ecKeyPair();
    X500Name caName = new X500Name("CN=etcd-test-ca");
    X509CertificateHolder caCert = sign(caName, ca, caName, ca, true, null);
    KeyPair server = ecKeyPair();
    GeneralNames sans = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")});
    X509CertificateHolder serverCert = sign(new X500Name("CN=etcd-server"), server, caName, ca, false, sans);
    KeyPair client = ecKeyPair();
    X509CertificateHolder clientCert = sign(new X500Name("CN=etcd-client"), client, caName, ca, false, null);

    EtcdTls tls = new EtcdTls(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
        dir.resolve("client.crt"), dir.resolve("client.key"));
    writePem(tls.caCert(), caCert);
    writePem(tls.serverCert(), serverCert);
    writePem(tls.serverKey(), new PemObject("PRIVATE KEY", server.getPrivate().getEncoded()));
    writePem(tls.clientCert(), clientCert);
    byte[] sec1 = PrivateKeyInfo.getInstance(client.getPrivate().getEncoded()).parsePrivateKey()
        .toASN1Primitive().getEncoded();
    writePem(tls.clientKey(), new PemObject("EC PRIVATE KEY", withCurve(sec1)));
    return tls;
  }

  /** SEC1 keys from PKCS#8 lack the curve parameters; k3s's carry them, so put them back. */
  private static byte[] withCurve(byte[] sec1) throws IOException {
    org.bouncycastle.asn1.sec.ECPrivateKey key = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sec1);
    return new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getKey(),
        key.getPublicKey(), org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1).getEncoded();
  }

  private static KeyPair ecKeyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509CertificateHolder sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
      boolean isCa, GeneralNames sans) throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(System.nanoTime() & 0xffff)),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
        subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (!isCa) {
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    }
    if (sans != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, sans);
    }
    return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate()));
  }

  private static void writePem(Path file, Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      if (object instanceof PemObject pem) {
        writer.writeObject(pem);
      } else {
        writer.writeObject(object);
      }
    }
    Files.writeString(file, text.toString());
  }
}
