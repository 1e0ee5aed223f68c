package io.nexomatic.operator.children;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The credentials copied from the user's Secrets into the fleet's own Secret, plus the CA bundle
 * the pods mount. Its {@link #toString} never shows a value.
 */
public final class DerivedCredentials {

  /** Key of the Sink Type's client secret in the derived Secret. */
  public static final String CLIENT_SECRET_KEY = "client-secret";

  /** Key of the tenant's registration secret in the derived Secret. */
  public static final String TENANT_SECRET_KEY = "tenant-secret";

  private final Map<String, byte[]> secretData;
  private final byte[] caBundle;

  /**
   * @param secretData the derived Secret's keys and raw (decoded) values
   * @param caBundle the Hub CA bundle the pods mount, or null when none is configured
   */
  public DerivedCredentials(Map<String, byte[]> secretData, byte[] caBundle) {
    var copy = new TreeMap<String, byte[]>();
    secretData.forEach((k, v) -> copy.put(k, v.clone()));
    this.secretData = Collections.unmodifiableMap(copy);
    this.caBundle = caBundle == null ? null : caBundle.clone();
  }

  /** The derived Secret's data, base64-encoded as Secret.data expects, sorted by key. */
  public Map<String, String> encodedSecretData() {
    var encoded = new TreeMap<String, String>();
    secretData.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v)));
    return encoded;
  }

  /** The value of {@code key} as text, for the operator's own calls to the Hub. */
  public Optional<String> text(String key) {
    return Optional.ofNullable(secretData.get(key))
        .map(v -> new String(v, StandardCharsets.UTF_8).strip());
  }

  /** The Hub CA bundle (PEM) the pods trust, when one is configured. */
  public Optional<byte[]> caBundle() {
    return Optional.ofNullable(caBundle).map(byte[]::clone);
  }

  /** Whether the derived Secret holds {@code key}. */
  public boolean has(String key) {
    return secretData.containsKey(key);
  }

  /**
   * SHA-256 over the derived Secret's content and the CA bundle: a pod-template annotation, so
   * rotating any referenced Secret rolls the fleet.
   */
  public String sha256() {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      for (var entry : secretData.entrySet()) {
        digest.update(entry.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(entry.getValue());
        digest.update((byte) 0);
      }
      if (caBundle != null) {
        digest.update("ca.crt".getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(caBundle);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a mandatory JCA algorithm", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DerivedCredentials other) || !Arrays.equals(caBundle, other.caBundle)) {
      return false;
    }
    if (!secretData.keySet().equals(other.secretData.keySet())) {
      return false;
    }
    return secretData.entrySet().stream()
        .allMatch(e -> Arrays.equals(e.getValue(), other.secretData.get(e.getKey())));
  }

  @Override
  public int hashCode() {
    return secretData.keySet().hashCode();
  }

  @Override
  public String toString() {
    return "DerivedCredentials" + secretData.keySet() + (caBundle == null ? "" : "+ca");
  }
}
