package io.nexomatic.sink.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
  private static String feed(SecretMasker m, String... pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String p : pieces) {
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(m.mask(b, 0, b.length));
    }
    out.writeBytes(m.finish());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyOccurrenceIsMasked() {
    assertThat(feed(new SecretMasker(List.of("hunter2")), "a hunter2 b hunter2hunter2 c"))
        .isEqualTo("a *** b ****** c");
  }

  @Test
  void occurrenceSplitAcrossReadsIsMasked() {
    SecretMasker m = new SecretMasker(List.of("hunter2"));
    assertThat(feed(m, "pw=hun", "te", "r2 done")).isEqualTo("pw=*** done");
  }

  @Test
  void splitAtEveryPositionIsMasked() {
    String text = "x my-secret-value y";
    for (int i = 0; i <= text.length(); i++) {
      assertThat(
              feed(
                  new SecretMasker(List.of("my-secret-value")),
                  text.substring(0, i),
                  text.substring(i)))
          .as("split at %d", i)
          .isEqualTo("x *** y");
    }
  }

  @Test
  void onlyAPossibleSecretPrefixIsHeldBack() {
    SecretMasker m = new SecretMasker(List.of("hunter2"));
    byte[] b = "plain text ending in hun".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(m.mask(b, 0, b.length), StandardCharsets.UTF_8))
        .isEqualTo("plain text ending in ");
    assertThat(m.carryLength()).isEqualTo(3);
    byte[] c = "gry\n".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(m.mask(c, 0, c.length), StandardCharsets.UTF_8)).isEqualTo("hungry\n");
    assertThat(m.carryLength()).isZero();
  }

  @Test
  void heldPrefixIsReleasedUnmaskedAtEnd() {
    assertThat(feed(new SecretMasker(List.of("hunter2")), "ends with hunt"))
        .isEqualTo("ends with hunt");
  }

  @Test
  void longerSecretContainingAShorterOneIsMaskedWhole() {
    assertThat(feed(new SecretMasker(List.of("abc", "xxabcxx")), "1 xxabcxx 2 abc", ""))
        .isEqualTo("1 *** 2 ***");
  }

  @Test
  void shortAndMultiByteSecretsAreMaskedAndEmptyOnesIgnored() {
    SecretMasker m = new SecretMasker(List.of("", "ab", "pässwörd€"));
    assertThat(m.isEmpty()).isFalse();
    assertThat(feed(m, "ab pässw", "örd€ end")).isEqualTo("*** *** end");
    assertThat(new SecretMasker(List.of("")).isEmpty()).isTrue();
  }
}
