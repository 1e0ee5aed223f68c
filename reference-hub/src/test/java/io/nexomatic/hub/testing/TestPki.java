package io.nexomatic.hub.testing;

import io.nexomatic.hub.HubConfig;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.TaskJournal;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
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
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by a test: issues server certificates (valid, expired, for any
 * names) as PEM files a Hub, a sink or the operator reads exactly as they would a real CA's.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final String name;
  private final KeyPair key;
  private final X509Certificate certificate;
  private final Path dir;

  private TestPki(String name, KeyPair key, X509Certificate certificate, Path dir) {
    this.name = name;
    this.key = key;
    this.certificate = certificate;
    this.dir = dir;
  }

  /** A new self-signed CA valid for a day, writing its files under {@code dir}. */
  public static TestPki ca(String name, Path dir) {
    try {
      Files.createDirectories(dir);
      KeyPair key = keyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + name);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              subject,
              key.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      TestPki ca = new TestPki(name, key, sign(builder, key.getPrivate()), dir);
      writePem(ca.caFile(), ca.certificate);
      return ca;
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the test CA " + name, e);
    }
  }

  /** The CA certificate (PEM), what a client trusts. */
  public Path caFile() {
    return dir.resolve(name + "-ca.pem");
  }

  /** A server certificate for {@code dnsNames}, valid from an hour ago for a day. */
  public Issued server(String file, String... dnsNames) {
    Instant now = Instant.now();
    return server(file, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), dnsNames);
  }

  /** A server certificate for {@code dnsNames} that expired a day ago. */
  public Issued expiredServer(String file, String... dnsNames) {
    Instant now = Instant.now();
    return server(file, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)), dnsNames);
  }

  private Issued server(String file, Instant notBefore, Instant notAfter, String... dnsNames) {
    try {
      KeyPair serverKey = keyPair();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              certificate,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Name("CN=" + dnsNames[0]),
              serverKey.getPublic());
      GeneralName[] names = new GeneralName[dnsNames.length];
      for (int i = 0; i < dnsNames.length; i++) {
        names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
      }
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      X509Certificate cert = sign(builder, key.getPrivate());
      Issued issued = new Issued(dir.resolve(file + ".pem"), dir.resolve(file + "-key.pem"));
      writePem(issued.certificate(), cert);
      writePem(issued.key(), new JcaPKCS8Generator(serverKey.getPrivate(), null).generate());
      return issued;
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue " + file, e);
    }
  }

  /**
   * A certificate chain and its PKCS#8 private key, as PEM files.
   *
   * @param certificate the certificate, as {@code --tls-cert} takes it
   * @param key its private key, as {@code --tls-key} takes it
   */
  public record Issued(Path certificate, Path key) {

    /** A Hub on 127.0.0.1 (any free port) serving TLS with this certificate, test credentials. */
    public HubServer startHub() throws IOException {
      return new HubServer(
              HubServer.nettyBuilder("127.0.0.1", 0)
                  .useTransportSecurity(certificate.toFile(), key.toFile()),
              HubConfig.builder().build(),
              TestCredentials.credentials(),
              TaskJournal.inMemory())
          .start();
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  private static void writePem(Path file, Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(object);
    }
    Files.writeString(file, out.toString());
  }
}
