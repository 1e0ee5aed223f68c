package io.nexomatic.sink.log;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Replaces every occurrence of each secret value with {@code ***} in a byte stream, including
 * occurrences split across reads: only a trailing part that could still grow into a secret (a
 * proper prefix of one, so at most the longest secret's length - 1 bytes) is held back.
 */
public final class SecretMasker {
  static final byte[] MASK = "***".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY = new byte[0];

  private final byte[][] secrets;
  private final int maxLength;
  private byte[] carry = EMPTY;

  /** A masker for the non-empty values among {@code secretValues}. */
  public SecretMasker(Collection<String> secretValues) {
    Set<String> distinct = new LinkedHashSet<>();
    for (String s : secretValues) {
      if (s != null && !s.isEmpty()) {
        distinct.add(s);
      }
    }
    // Longest first, so a secret containing another is masked whole.
    this.secrets =
        distinct.stream()
            .map(s -> s.getBytes(StandardCharsets.UTF_8))
            .sorted(Comparator.comparingInt((byte[] b) -> b.length).reversed())
            .toArray(byte[][]::new);
    this.maxLength = secrets.length == 0 ? 0 : secrets[0].length;
  }

  /** True when there is nothing to mask. */
  public boolean isEmpty() {
    return secrets.length == 0;
  }

  /** Masks {@code data[off, off+len)} and returns what can be forwarded now. */
  public byte[] mask(byte[] data, int off, int len) {
    byte[] buf;
    if (carry.length == 0) {
      buf = Arrays.copyOfRange(data, off, off + len);
    } else {
      buf = Arrays.copyOf(carry, carry.length + len);
      System.arraycopy(data, off, buf, carry.length, len);
    }
    return process(buf, true);
  }

  /** Masks and returns whatever was held back; call once at end of output. */
  public byte[] finish() {
    byte[] buf = carry;
    carry = EMPTY;
    return process(buf, false);
  }

  /** Bytes currently held back waiting to see whether they complete a secret. */
  public int carryLength() {
    return carry.length;
  }

  private byte[] process(byte[] buf, boolean holdBack) {
    if (secrets.length == 0) {
      carry = EMPTY;
      return buf;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(buf.length);
    int n = buf.length;
    int i = 0;
    int copyFrom = 0;
    scan:
    while (i < n) {
      if (holdBack && n - i < maxLength && isProperPrefixOfLongerSecret(buf, i, n)) {
        break;
      }
      for (byte[] s : secrets) {
        if (n - i >= s.length && regionEquals(buf, i, s)) {
          out.write(buf, copyFrom, i - copyFrom);
          out.write(MASK, 0, MASK.length);
          i += s.length;
          copyFrom = i;
          continue scan;
        }
      }
      i++;
    }
    out.write(buf, copyFrom, i - copyFrom);
    carry = i < n ? Arrays.copyOfRange(buf, i, n) : EMPTY;
    return out.toByteArray();
  }

  private boolean isProperPrefixOfLongerSecret(byte[] buf, int from, int to) {
    int len = to - from;
    for (byte[] s : secrets) {
      if (s.length > len && Arrays.equals(buf, from, to, s, 0, len)) {
        return true;
      }
    }
    return false;
  }

  private static boolean regionEquals(byte[] buf, int at, byte[] s) {
    return Arrays.equals(buf, at, at + s.length, s, 0, s.length);
  }
}
