package io.nexomatic.sink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretScanningAppenderTest {

  private final LoggerContext context = new LoggerContext();
  private final Logger log = context.getLogger("scan");
  private final SecretScanningAppender scan = new SecretScanningAppender(List.of("s3cr3t"));

  SecretScanningAppenderTest() {
    scan.setContext(context);
    scan.start();
    log.setLevel(Level.DEBUG);
    log.addAppender(scan);
  }

  @Test
  void countsEveryEventAndKeepsNoneWithoutASecret() {
    log.debug("hello {}", "world");
    log.info("offer {} to {}", "t-1", "sink-0");

    assertThat(scan.events()).isEqualTo(2);
    assertThat(scan.leaks()).isEmpty();
  }

  @Test
  void findsASecretInTheMessageAnArgumentAKeyValueOrACauseAndNeverRepeatsIt() {
    log.info("secret is s3cr3t");
    log.atWarn().setMessage("login").addKeyValue("secret", "s3cr3t").log();
    log.error("failed", new IllegalStateException("outer", new RuntimeException("had s3cr3t")));

    assertThat(scan.leaks())
        .hasSize(3)
        .allSatisfy(line -> assertThat(line).contains("<SECRET>").doesNotContain("s3cr3t"));
  }
}
