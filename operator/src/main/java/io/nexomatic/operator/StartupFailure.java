package io.nexomatic.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/** Turns an operator start-up exception into one line that names the cause and the fix. */
final class StartupFailure {

  private StartupFailure() {}

  /**
   * @param apiServer the API server URL the client was configured with
   */
  static String describe(Throwable failure, String apiServer) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    for (Throwable t : chain) {
      if (t instanceof KubernetesClientException k && k.getCode() == 401) {
        return "the Kubernetes API server at "
            + apiServer
            + " rejected the operator's credentials (401): check the kubeconfig or the pod's"
            + " ServiceAccount token";
      }
      if (t instanceof KubernetesClientException k && k.getCode() == 403) {
        return "the operator may not read or write what it needs at "
            + apiServer
            + " (403: "
            + k.getStatus().getMessage()
            + "): apply operator/src/main/kubernetes/rbac.yaml, or install with the Helm chart";
      }
      if (t instanceof KubernetesClientException k && k.getCode() == 404) {
        return "the SinkFleet CRD is not installed at "
            + apiServer
            + " (404): kubectl apply -f crds/, or install with the Helm chart";
      }
    }
    Throwable root = chain.get(chain.size() - 1);
    if (root instanceof UnresolvedAddressException
        || root instanceof UnknownHostException
        || root instanceof ConnectException) {
      return "cannot reach the Kubernetes API server at "
          + apiServer
          + " ("
          + root.getClass().getSimpleName()
          + "): run the operator in a cluster, or point KUBECONFIG at one";
    }
    if (root instanceof NoSuchFileException || root instanceof AccessDeniedException) {
      return "cannot read "
          + ((FileSystemException) root).getFile()
          + ", which the Kubernetes client configuration names ("
          + root.getClass().getSimpleName()
          + "): fix the path in KUBECONFIG's file, or embed the certificates (*-data)";
    }
    if (root instanceof SSLException) {
      return "TLS to the Kubernetes API server at "
          + apiServer
          + " failed ("
          + root.getMessage()
          + "): check the cluster CA in the kubeconfig";
    }
    return "the operator could not start against "
        + apiServer
        + ": "
        + root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
