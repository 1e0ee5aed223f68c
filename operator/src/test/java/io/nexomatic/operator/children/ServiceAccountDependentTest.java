package io.nexomatic.operator.children;

import static io.nexomatic.operator.testing.TestFleets.pythonFleet;
import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.operator.model.AuthMethod;
import io.nexomatic.operator.model.EntraIdSpec;
import io.nexomatic.operator.testing.TestFleets;
import org.junit.jupiter.api.Test;

class ServiceAccountDependentTest {

  @Test
  void givesClientSecretFleetsNoApiToken() {
    var account = ServiceAccountDependent.build(pythonFleet(), TestFleets.effective(pythonFleet()));

    assertThat(account.getMetadata().getName()).isEqualTo("python");
    assertThat(account.getAutomountServiceAccountToken()).isFalse();
    assertThat(account.getMetadata().getAnnotations()).isEmpty();
  }

  @Test
  void namesTheWorkloadIdentityForEntraIdFleets() {
    var fleet = pythonFleet();
    fleet.getSpec().getAuth().setMethod(AuthMethod.ENTRA_ID);
    var entra = new EntraIdSpec();
    entra.setTenantId("11111111-2222-4333-8444-555555555555");
    entra.setClientId("66666666-7777-4888-9999-000000000000");
    fleet.getSpec().getAuth().setEntraId(entra);

    var account = ServiceAccountDependent.build(fleet, TestFleets.effective(fleet));

    assertThat(account.getAutomountServiceAccountToken()).isTrue();
    assertThat(account.getMetadata().getAnnotations())
        .containsEntry("azure.workload.identity/client-id", "66666666-7777-4888-9999-000000000000");
  }
}
