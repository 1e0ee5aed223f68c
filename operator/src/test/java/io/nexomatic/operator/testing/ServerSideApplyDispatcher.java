package io.nexomatic.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fabric8 CRUD mock server plus the two things an operator test needs from a real API server:
 * server-side apply, and a log of every write request so tests can prove a no-op reconcile writes
 * nothing. The apply emulation covers what the operator relies on: an apply sets what it sends and
 * drops the fields its manager applied before but no longer sends, unless another manager owns
 * them; it keeps the status; it records the manager's managedFields entry (so JOSDK's SSA matcher
 * can compare) next to the other managers' entries; and it defaults a Deployment's replicas to 1 as
 * the API server does, so that dropping replicas without handing them over shows.
 */
public final class ServerSideApplyDispatcher extends KubernetesCrudDispatcher {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> UNMANAGED_METADATA =
      Set.of(
          "name",
          "namespace",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "deletionTimestamp",
          "managedFields",
          "selfLink");

  private final List<String> writes = Collections.synchronizedList(new ArrayList<>());

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (request.method() != HttpMethod.GET) {
      writes.add(request.method() + " " + withoutQuery(request.getPath()));
    }
    String contentType = request.getHeader("Content-Type");
    if (request.method() == HttpMethod.PATCH
        && contentType != null
        && contentType.startsWith("application/apply-patch")) {
      return apply(request);
    }
    return super.dispatch(request);
  }

  /** Every non-GET request so far, as "METHOD /path", in arrival order. */
  public List<String> writes() {
    synchronized (writes) {
      return List.copyOf(writes);
    }
  }

  // Serialised: an apply reads then writes, and concurrent applies must not interleave.
  private synchronized MockResponse apply(RecordedRequest request) {
    try {
      return applyOrThrow(request);
    } catch (KubernetesCrudDispatcherException e) {
      return new MockResponse().setResponseCode(e.getCode()).setBody(e.toStatusBody());
    }
  }

  private MockResponse applyOrThrow(RecordedRequest request)
      throws KubernetesCrudDispatcherException {
    String path = withoutQuery(request.getPath());
    String fieldManager = queryParameter(request.getPath(), "fieldManager");
    ObjectNode body;
    try {
      body = (ObjectNode) YAML.readTree(request.getBody().readUtf8());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean statusSubresource = path.endsWith("/status");
    String objectPath = statusSubresource ? path.substring(0, path.length() - 7) : path;
    Map.Entry<AttributeSet, String> current;
    // The map is a synchronized map; iterating it needs its monitor.
    synchronized (map) {
      current = findResource(getKey(objectPath));
    }
    if (current != null) {
      String currentVersion = asNode(current).path("metadata").path("resourceVersion").asText();
      String expectedVersion = body.path("metadata").path("resourceVersion").asText("");
      if (!expectedVersion.isEmpty() && !expectedVersion.equals(currentVersion)) {
        return new MockResponse()
            .setResponseCode(409)
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":409}");
      }
    }
    if (statusSubresource) {
      if (current == null) {
        return new MockResponse().setResponseCode(404);
      }
      ObjectNode updated = (ObjectNode) asNode(current);
      updated.set("status", body.get("status"));
      return handleUpdate(request(HttpMethod.PUT, path, updated));
    }
    ObjectNode metadata = body.withObject("metadata");
    metadata.remove("resourceVersion");
    var entry = JsonNodeFactory.instance.objectNode();
    entry.put("manager", fieldManager);
    entry.put("operation", "Apply");
    entry.put("apiVersion", body.path("apiVersion").asText());
    entry.put("fieldsType", "FieldsV1");
    entry.set("fieldsV1", managedFields(body, true));
    var entries = JsonNodeFactory.instance.arrayNode();
    JsonNode existing = current == null ? null : asNode(current);
    if (existing != null) {
      // Fields this manager no longer applies are dropped, unless another manager owns them.
      for (JsonNode other : existing.path("metadata").path("managedFields")) {
        if (!fieldManager.equals(other.path("manager").asText())) {
          entries.add(other);
          keepOwnedFields(other.path("fieldsV1"), existing, body);
        }
      }
    }
    entries.add(entry);
    metadata.set("managedFields", entries);
    applyDefaults(body);
    if (existing == null) {
      String collection = objectPath.substring(0, objectPath.lastIndexOf('/'));
      return handleCreate(request(HttpMethod.POST, collection, body));
    }
    if (existing.has("status")) {
      body.set("status", existing.get("status"));
    }
    metadata.put("resourceVersion", existing.path("metadata").path("resourceVersion").asText());
    return handleUpdate(request(HttpMethod.PUT, objectPath, body));
  }

  /**
   * Copies into {@code applied} every field that {@code fieldsV1} owns, {@code existing} has and
   * {@code applied} lacks: another manager's fields survive this manager's apply.
   */
  private static void keepOwnedFields(JsonNode fieldsV1, JsonNode existing, ObjectNode applied) {
    fieldsV1
        .properties()
        .forEach(
            e -> {
              if (!e.getKey().startsWith("f:")) {
                return;
              }
              String key = e.getKey().substring(2);
              JsonNode owned = e.getValue();
              JsonNode value = existing.get(key);
              if (value == null) {
                return;
              }
              if (owned.isObject() && owned.size() > 0 && value.isObject()) {
                ObjectNode child =
                    applied.get(key) instanceof ObjectNode o
                        ? o
                        : JsonNodeFactory.instance.objectNode();
                keepOwnedFields(owned, value, child);
                if (child.size() > 0) {
                  applied.set(key, child);
                }
              } else if (!applied.has(key)) {
                applied.set(key, value.deepCopy());
              }
            });
  }

  /** The API server's defaulting that the tests depend on: a Deployment without replicas gets 1. */
  private static void applyDefaults(ObjectNode object) {
    if ("Deployment".equals(object.path("kind").asText())
        && object.path("spec").isObject()
        && !object.path("spec").has("replicas")) {
      object.withObject("spec").put("replicas", 1);
    }
  }

  /**
   * The fieldsV1 of an apply: every map is traversed, every list and scalar owned whole. Matches
   * what a real API server records for the single-manager objects these tests apply.
   */
  private static ObjectNode managedFields(JsonNode node, boolean topLevel) {
    var fields = JsonNodeFactory.instance.objectNode();
    node.properties()
        .forEach(
            e -> {
              String key = e.getKey();
              if (topLevel && Set.of("apiVersion", "kind", "status").contains(key)) {
                return;
              }
              JsonNode value = e.getValue();
              if (topLevel && key.equals("metadata")) {
                var meta = JsonNodeFactory.instance.objectNode();
                value
                    .properties()
                    .forEach(
                        m -> {
                          if (!UNMANAGED_METADATA.contains(m.getKey())) {
                            meta.set(
                                "f:" + m.getKey(),
                                m.getValue().isObject() && m.getValue().size() > 0
                                    ? managedFields(m.getValue(), false)
                                    : JsonNodeFactory.instance.objectNode());
                          }
                        });
                fields.set("f:metadata", meta);
              } else if (value.isObject() && value.size() > 0) {
                fields.set("f:" + key, managedFields(value, false));
              } else {
                fields.set("f:" + key, JsonNodeFactory.instance.objectNode());
              }
            });
    return fields;
  }

  private static RecordedRequest request(HttpMethod method, String path, JsonNode body) {
    return new RecordedRequest(
        "HTTP/1.1",
        method,
        path,
        Headers.builder().add("Content-Type", "application/json").build(),
        new Buffer().writeUtf8(Serialization.asJson(body)));
  }

  private static String withoutQuery(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static String queryParameter(String path, String name) {
    int q = path.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : path.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
