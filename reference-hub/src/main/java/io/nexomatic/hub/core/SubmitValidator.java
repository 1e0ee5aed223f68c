package io.nexomatic.hub.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.protocol.v1.Parameter;
import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.ParameterSpec;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Checks a submit request field by field and resolves its parameters against the payload. Every
 * problem is reported at once as INVALID_ARGUMENT, each naming the field and the fix.
 */
final class SubmitValidator {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_ATTEMPTS_LIMIT = 100;
  static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

  private final int maxPayloadBytes;

  SubmitValidator(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** Validates; returns the payload normalised ("{}" when empty). */
  String validate(SubmitTaskRequest r) throws StatusException {
    List<String> problems = new ArrayList<>();
    if (r.getSinkType().isBlank()) {
      problems.add("sink_type: required, e.g. LOCAL:BASE");
    }
    if (r.getModule().isBlank()) {
      problems.add("module: required, e.g. my_module.runner");
    }
    if (!r.getTenantUuid().isEmpty()) {
      try {
        UUID.fromString(r.getTenantUuid());
      } catch (IllegalArgumentException e) {
        problems.add("tenant_uuid: must be a UUID or empty");
      }
    }
    String payload = r.getPayloadJson().isBlank() ? "{}" : r.getPayloadJson();
    JsonNode payloadNode = null;
    if (payload.getBytes(StandardCharsets.UTF_8).length > maxPayloadBytes) {
      problems.add("payload_json: larger than the Hub's limit of " + maxPayloadBytes + " bytes");
    } else {
      try {
        payloadNode = JSON.readTree(payload);
        if (!payloadNode.isObject()) {
          problems.add("payload_json: must be a JSON object, e.g. {\"name\": \"value\"}");
          payloadNode = null;
        }
      } catch (JsonProcessingException e) {
        problems.add("payload_json: not valid JSON (" + e.getOriginalMessage() + ")");
      }
    }
    if (r.getMaxAttempts() > MAX_ATTEMPTS_LIMIT) {
      problems.add("max_attempts: at most " + MAX_ATTEMPTS_LIMIT);
    }
    if (r.getTimeoutSeconds() > MAX_TIMEOUT_SECONDS) {
      problems.add("timeout_seconds: at most " + MAX_TIMEOUT_SECONDS + " (7 days)");
    }
    if (r.getClientRequestId().length() > 128) {
      problems.add("client_request_id: at most 128 characters");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < r.getParametersCount(); i++) {
      ParameterSpec p = r.getParameters(i);
      String where = "parameters[" + i + "]";
      if (p.getName().isBlank()) {
        problems.add(where + ".name: required");
      } else if (!names.add(p.getName())) {
        problems.add(where + ".name: duplicate parameter '" + p.getName() + "'");
      }
      if (p.getKindValue() < 0 || ParameterKind.forNumber(p.getKindValue()) == null) {
        problems.add(where + ".kind: must be STATIC, DATA or SECRET");
      } else if (p.getKind() == ParameterKind.DATA && payloadNode != null) {
        if (resolveData(payloadNode, p.getValue()) == null) {
          problems.add(
              where
                  + " ('"
                  + p.getName()
                  + "'): the payload has no field '"
                  + p.getValue()
                  + "' (DATA parameters name a top-level key or a JSON pointer like /a/b)");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("invalid task: " + String.join("; ", problems))
          .asException();
    }
    return payload;
  }

  /** The parameters as sent to a sink: DATA values read from the payload. */
  static List<Parameter> resolve(String payloadJson, List<ParameterSpec> specs) {
    JsonNode payload;
    try {
      payload = JSON.readTree(payloadJson);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("payload was validated at submit", e);
    }
    List<Parameter> out = new ArrayList<>(specs.size());
    for (ParameterSpec p : specs) {
      ParameterKind kind =
          p.getKind() == ParameterKind.PARAMETER_KIND_UNSPECIFIED
              ? ParameterKind.STATIC
              : p.getKind();
      String value = p.getValue();
      if (kind == ParameterKind.DATA) {
        JsonNode n = resolveData(payload, value);
        value = n == null ? "" : (n.isValueNode() ? n.asText() : n.toString());
      }
      out.add(Parameter.newBuilder().setName(p.getName()).setKind(kind).setValue(value).build());
    }
    return out;
  }

  private static JsonNode resolveData(JsonNode payload, String field) {
    JsonNode n = field.startsWith("/") ? payload.at(field) : payload.get(field);
    return n == null || n.isMissingNode() ? null : n;
  }
}
