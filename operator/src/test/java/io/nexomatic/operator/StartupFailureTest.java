package io.nexomatic.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

class StartupFailureTest {

  private static final String SERVER = "https://10.0.0.1:6443/";

  @Test
  void anUnreachableApiServerIsNamedWithTheFix() {
    var failure =
        new OperatorException(
            "Error starting operator",
            new OperatorException(
                "Couldn't start informer",
                new RuntimeException(new ConnectException(null).initCause(null))));
    assertThat(StartupFailure.describe(failure, SERVER))
        .isEqualTo(
            "cannot reach the Kubernetes API server at https://10.0.0.1:6443/"
                + " (ConnectException): run the operator in a cluster, or point KUBECONFIG at one");

    var unresolved =
        new OperatorException("x", new RuntimeException(new UnresolvedAddressException()));
    assertThat(StartupFailure.describe(unresolved, SERVER)).startsWith("cannot reach");
  }

  @Test
  void aCertificateTheKubeconfigNamesButThatIsMissingIsNamedWithTheFix() {
    var failure =
        new KubernetesClientException(
            "An error has occurred.",
            new java.nio.file.NoSuchFileException("/tmp/control-plane/client.crt"));
    assertThat(StartupFailure.describe(failure, SERVER))
        .isEqualTo(
            "cannot read /tmp/control-plane/client.crt, which the Kubernetes client configuration"
                + " names (NoSuchFileException): fix the path in KUBECONFIG's file, or embed the"
                + " certificates (*-data)");
  }

  @Test
  void aMissingCrdPointsAtTheCrdManifest() {
    var failure = new OperatorException("x", new KubernetesClientException("not found", 404, null));
    assertThat(StartupFailure.describe(failure, SERVER))
        .contains("SinkFleet CRD is not installed")
        .contains("kubectl apply -f crds/");
  }

  @Test
  void aForbiddenCallPointsAtTheRbacAndQuotesTheServer() {
    var status =
        new StatusBuilder()
            .withCode(403)
            .withMessage("sinkfleets is forbidden: User \"system:serviceaccount:x:y\" cannot list")
            .build();
    var failure = new OperatorException("x", new KubernetesClientException(status));
    assertThat(StartupFailure.describe(failure, SERVER))
        .contains("403: sinkfleets is forbidden")
        .contains("operator/src/main/kubernetes/rbac.yaml");
  }

  @Test
  void anythingElseNamesTheRootCause() {
    var failure = new OperatorException("x", new IllegalStateException("boom"));
    assertThat(StartupFailure.describe(failure, SERVER))
        .isEqualTo(
            "the operator could not start against https://10.0.0.1:6443/:"
                + " IllegalStateException: boom");
  }
}
