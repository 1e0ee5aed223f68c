package io.nexomatic.operator.children;

import static io.nexomatic.operator.testing.TestFleets.base64;
import static io.nexomatic.operator.testing.TestFleets.inputs;
import static io.nexomatic.operator.testing.TestFleets.pythonFleet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CredentialsSecretDependentTest {

  @Test
  void holdsExactlyTheCredentialsTheSinksNeedUnderStableKeys() {
    var secret =
        CredentialsSecretDependent.build(
            pythonFleet(), inputs(pythonFleet(), OptionalInt.of(1), "pw"));

    assertThat(secret.getMetadata().getName()).isEqualTo("python-credentials");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("sinks");
    assertThat(secret.getData()).containsExactlyEntriesOf(Map.of("client-secret", base64("pw")));
    assertThat(secret.getStringData()).isNullOrEmpty();
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "nexomatic-operator");
  }

  @Test
  void neverRevealsAValueWhenItsCredentialsArePrinted() {
    assertThat(inputs(pythonFleet(), OptionalInt.of(1), "pw-visible?").credentials().toString())
        .doesNotContain("pw-visible?");
  }
}
