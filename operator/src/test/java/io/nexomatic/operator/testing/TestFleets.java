package io.nexomatic.operator.testing;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.nexomatic.operator.children.DerivedCredentials;
import io.nexomatic.operator.children.FleetInputs;
import io.nexomatic.operator.fleet.EffectiveFleet;
import io.nexomatic.operator.model.AuthSpec;
import io.nexomatic.operator.model.HubSpec;
import io.nexomatic.operator.model.SecretKeyRef;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.model.SinkFleetSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalInt;

/** Valid fleets and Secrets to start each test from. */
public final class TestFleets {

  public static final String NAMESPACE = "sinks";
  public static final String CLIENT_SECRET_NAME = "python-sink-secret";
  public static final String CLIENT_SECRET_KEY = "client-secret";

  private TestFleets() {}

  /** A Python fleet of two sinks authenticating with a client secret. */
  public static SinkFleet pythonFleet() {
    return pythonFleet(NAMESPACE);
  }

  /** {@link #pythonFleet()} in {@code namespace}, without a uid (the API server assigns one). */
  public static SinkFleet pythonFleet(String namespace) {
    var fleet = pythonFleetSpecOnly();
    fleet.getMetadata().setNamespace(namespace);
    if (!NAMESPACE.equals(namespace)) {
      fleet.getMetadata().setUid(null);
      fleet.getMetadata().setGeneration(null);
    }
    return fleet;
  }

  private static SinkFleet pythonFleetSpecOnly() {
    var spec = new SinkFleetSpec();
    spec.setSinkType("LOCAL:BASE");
    spec.setImage("registry.example.com/nexomatic/sink-python:1.0.0");
    var hub = new HubSpec();
    hub.setHost("hub.nexomatic.svc");
    spec.setHub(hub);
    var auth = new AuthSpec();
    auth.setClientSecretRef(new SecretKeyRef(CLIENT_SECRET_NAME, CLIENT_SECRET_KEY));
    spec.setAuth(auth);
    spec.setReplicas(2);
    var fleet = new SinkFleet();
    fleet.setMetadata(
        new ObjectMetaBuilder()
            .withName("python")
            .withNamespace(NAMESPACE)
            .withUid("5b7e3c1a-0000-4000-8000-000000000001")
            .withGeneration(1L)
            .build());
    fleet.setSpec(spec);
    return fleet;
  }

  /** The user's Secret the Python fleet references. */
  public static Secret clientSecret(String value) {
    return clientSecret(NAMESPACE, value);
  }

  /** {@link #clientSecret(String)} in {@code namespace}. */
  public static Secret clientSecret(String namespace, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(CLIENT_SECRET_NAME)
        .withNamespace(namespace)
        .endMetadata()
        .addToData(CLIENT_SECRET_KEY, base64(value))
        .build();
  }

  /** Inputs as the reconciler would resolve them for {@code fleet} and a client secret. */
  public static FleetInputs inputs(SinkFleet fleet, OptionalInt replicas, String clientSecret) {
    return new FleetInputs(
        effective(fleet),
        replicas,
        new DerivedCredentials(
            Map.of(
                DerivedCredentials.CLIENT_SECRET_KEY,
                clientSecret.getBytes(StandardCharsets.UTF_8)),
            null));
  }

  /** {@code fleet}'s spec with its defaults applied, as the reconciler computes it. */
  public static EffectiveFleet effective(SinkFleet fleet) {
    return EffectiveFleet.of(fleet.getSpec());
  }

  /** The fleet's condition of {@code type}; fails when the status lacks it. */
  public static Condition condition(SinkFleet fleet, String type) {
    return fleet.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " condition in " + fleet.getStatus()));
  }

  /** Whether the fleet reports Ready=True. */
  public static boolean isReady(SinkFleet fleet) {
    return fleet.getStatus() != null
        && fleet.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  public static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
