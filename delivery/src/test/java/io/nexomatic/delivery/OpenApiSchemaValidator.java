package io.nexomatic.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a document against a CRD's structural openAPIV3Schema the way the API server does before
 * CEL: types, required fields, enums, patterns, bounds, list and string sizes, and, as {@code
 * kubectl apply --validate=strict} does, fields the schema does not know. CEL rules ({@code
 * x-kubernetes-validations}) are left to the real API server.
 */
final class OpenApiSchemaValidator {

  private final JsonNode schema;

  OpenApiSchemaValidator(JsonNode schema) {
    this.schema = schema;
  }

  /** Every problem found, each as {@code path: what is wrong}; empty when valid. */
  List<String> validate(JsonNode document) {
    var problems = new ArrayList<String>();
    // apiVersion, kind and metadata are the API server's; the schema covers spec and status.
    var body = document.deepCopy();
    if (body.isObject()) {
      var object = (com.fasterxml.jackson.databind.node.ObjectNode) body;
      object.remove("apiVersion");
      object.remove("kind");
      object.remove("metadata");
    }
    check(schema, body, "", problems);
    return problems;
  }

  private void check(JsonNode s, JsonNode value, String path, List<String> problems) {
    String where = path.isEmpty() ? "<root>" : path;
    if (value == null || value.isNull()) {
      if (!s.path("nullable").asBoolean(false)) {
        problems.add(where + ": must not be null");
      }
      return;
    }
    if (s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) && !s.has("type")) {
      return;
    }
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!(value.isIntegralNumber() || value.isTextual())) {
        problems.add(where + ": must be an integer or a string, got " + kind(value));
      }
      return;
    }
    if (s.has("anyOf")) {
      boolean any = false;
      for (JsonNode alternative : s.get("anyOf")) {
        var sub = new ArrayList<String>();
        check(alternative, value, path, sub);
        any |= sub.isEmpty();
      }
      if (!any) {
        problems.add(where + ": matches none of the allowed forms");
      }
    }
    String type = s.path("type").asText("");
    switch (type) {
      case "object" -> checkObject(s, value, path, problems);
      case "array" -> checkArray(s, value, path, problems);
      case "string" -> checkString(s, value, where, problems);
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          problems.add(where + ": must be an integer, got " + kind(value));
        } else {
          checkBounds(s, value, where, problems);
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          problems.add(where + ": must be a number, got " + kind(value));
        } else {
          checkBounds(s, value, where, problems);
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(where + ": must be a boolean, got " + kind(value));
        }
      }
      default -> {}
    }
    if (s.has("enum")) {
      boolean found = false;
      for (JsonNode allowed : s.get("enum")) {
        found |= allowed.equals(value);
      }
      if (!found) {
        problems.add(where + ": must be one of " + s.get("enum") + ", got " + value);
      }
    }
  }

  private void checkObject(JsonNode s, JsonNode value, String path, List<String> problems) {
    String where = path.isEmpty() ? "<root>" : path;
    if (!value.isObject()) {
      problems.add(where + ": must be an object, got " + kind(value));
      return;
    }
    for (JsonNode required : s.path("required")) {
      if (!value.has(required.asText())) {
        problems.add(join(path, required.asText()) + ": is required");
      }
    }
    JsonNode properties = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String child = join(path, field.getKey());
      if (properties.has(field.getKey())) {
        check(properties.get(field.getKey()), field.getValue(), child, problems);
      } else if (additional != null && additional.isObject()) {
        check(additional, field.getValue(), child, problems);
      } else if (!preserve && !(additional != null && additional.asBoolean(false))) {
        problems.add(child + ": unknown field (not in the SinkFleet schema)");
      }
    }
  }

  private void checkArray(JsonNode s, JsonNode value, String path, List<String> problems) {
    String where = path.isEmpty() ? "<root>" : path;
    if (!value.isArray()) {
      problems.add(where + ": must be a list, got " + kind(value));
      return;
    }
    if (s.has("maxItems") && value.size() > s.get("maxItems").asInt()) {
      problems.add(where + ": must have at most " + s.get("maxItems").asInt() + " items");
    }
    if (s.has("minItems") && value.size() < s.get("minItems").asInt()) {
      problems.add(where + ": must have at least " + s.get("minItems").asInt() + " items");
    }
    JsonNode items = s.get("items");
    if (items != null) {
      for (int i = 0; i < value.size(); i++) {
        check(items, value.get(i), path + "[" + i + "]", problems);
      }
    }
  }

  private static void checkString(JsonNode s, JsonNode value, String where, List<String> problems) {
    if (!value.isTextual()) {
      problems.add(where + ": must be a string, got " + kind(value));
      return;
    }
    String text = value.asText();
    int length = text.codePointCount(0, text.length());
    if (s.has("minLength") && length < s.get("minLength").asInt()) {
      problems.add(where + ": must be at least " + s.get("minLength").asInt() + " characters");
    }
    if (s.has("maxLength") && length > s.get("maxLength").asInt()) {
      problems.add(where + ": must be at most " + s.get("maxLength").asInt() + " characters");
    }
    if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(text).find()) {
      problems.add(where + ": '" + text + "' does not match " + s.get("pattern").asText());
    }
  }

  private static void checkBounds(JsonNode s, JsonNode value, String where, List<String> problems) {
    double number = value.asDouble();
    if (s.has("minimum") && number < s.get("minimum").asDouble()) {
      problems.add(where + ": must be at least " + s.get("minimum").asLong() + ", got " + value);
    }
    if (s.has("maximum") && number > s.get("maximum").asDouble()) {
      problems.add(where + ": must be at most " + s.get("maximum").asLong() + ", got " + value);
    }
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String kind(JsonNode value) {
    if (value.isTextual()) {
      return "string \"" + value.asText() + "\"";
    }
    if (value.isIntegralNumber()) {
      return "integer " + value;
    }
    if (value.isNumber()) {
      return "number " + value;
    }
    if (value.isBoolean()) {
      return "boolean " + value;
    }
    if (value.isArray()) {
      return "a list";
    }
    if (value.isObject()) {
      return "an object";
    }
    return value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
