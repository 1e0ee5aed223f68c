package io.nexomatic.hub.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A salted SHA-256 hash of a secret, in the form {@code sha256:<salt>:<hash>} (both base64).
 *
 * <p>Client secrets, tenant secrets and tokens are high-entropy random strings, so a salted fast
 * hash is enough to keep the credentials file from disclosing them; comparison is constant-time.
 */
public final class SecretHash {
  private static final String PREFIX = "sha256:";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] salt;
  private final byte[] hash;

  private SecretHash(byte[] salt, byte[] hash) {
    this.salt = salt;
    this.hash = hash;
  }

  /** Hashes a secret with a fresh random salt. */
  public static SecretHash of(String secret) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return new SecretHash(salt, digest(salt, secret));
  }

  /**
   * Parses the encoded form.
   *
   * @throws IllegalArgumentException naming what is wrong (never echoing the value)
   */
  public static SecretHash parse(String encoded) {
    if (encoded == null || !encoded.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "expected a hash of the form sha256:<salt>:<hash> (make one with `nexomatic-hub"
              + " hash-secret`)");
    }
    String[] parts = encoded.substring(PREFIX.length()).split(":", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("expected sha256:<salt>:<hash> with exactly two parts");
    }
    try {
      byte[] salt = Base64.getDecoder().decode(parts[0]);
      byte[] hash = Base64.getDecoder().decode(parts[1]);
      if (hash.length != 32) {
        throw new IllegalArgumentException("the hash part must be 32 bytes of SHA-256");
      }
      return new SecretHash(salt, hash);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("the hash")) {
        throw e;
      }
      throw new IllegalArgumentException("salt and hash must be base64", e);
    }
  }

  /** Whether {@code candidate} is the hashed secret, in time independent of where they differ. */
  public boolean matches(String candidate) {
    if (candidate == null) {
      return false;
    }
    return MessageDigest.isEqual(hash, digest(salt, candidate));
  }

  /** The encoded form, safe to store. */
  public String encoded() {
    Base64.Encoder b64 = Base64.getEncoder();
    return PREFIX + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
  }

  @Override
  public String toString() {
    return encoded();
  }

  private static byte[] digest(byte[] salt, String secret) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(salt);
      md.update(secret.getBytes(StandardCharsets.UTF_8));
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }
}
