package io.nexomatic.hub.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the Hub's credentials file (YAML):
 *
 * <pre>
 * adminTokenHash: sha256:...
 * sinkTypes:
 *   - id: LOCAL:BASE
 *     clientSecretHash: sha256:...      # or [sha256:new, sha256:old] while rotating
 *     bearerTokenHashes: [sha256:...]   # optional
 * tenants:
 *   - uuid: 6f1c...
 *     secretHash: sha256:...
 * </pre>
 *
 * Every problem is reported at once, each naming its field.
 */
public final class CredentialsFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private CredentialsFile() {}

  /** Reads and validates a credentials file. */
  public static Credentials read(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IOException("credentials file " + file + " does not exist or is not readable");
    }
    JsonNode root = YAML.readTree(file.toFile());
    return parse(root, file.toString());
  }

  /** Validates a parsed credentials document; {@code source} names it in errors. */
  static Credentials parse(JsonNode root, String source) {
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a YAML mapping at the top level");
    }
    SecretHash admin = hash(root, "adminTokenHash", "adminTokenHash", problems);
    Map<String, Credentials.SinkTypeCredentials> types = new LinkedHashMap<>();
    JsonNode typesNode = root.path("sinkTypes");
    if (!typesNode.isArray() || typesNode.isEmpty()) {
      problems.add("sinkTypes: expected a non-empty list of {id, clientSecretHash}");
    } else {
      for (int i = 0; i < typesNode.size(); i++) {
        JsonNode t = typesNode.get(i);
        String where = "sinkTypes[" + i + "]";
        String id = t.path("id").asText("");
        if (id.isBlank()) {
          problems.add(where + ".id: required, e.g. LOCAL:BASE");
          continue;
        }
        if (types.containsKey(id)) {
          problems.add(where + ".id: duplicate Sink Type " + id);
        }
        List<SecretHash> secrets = clientSecretHashes(t, where, problems);
        List<SecretHash> tokens = new ArrayList<>();
        Iterator<JsonNode> it = t.path("bearerTokenHashes").elements();
        for (int j = 0; it.hasNext(); j++) {
          JsonNode n = it.next();
          try {
            tokens.add(SecretHash.parse(n.asText()));
          } catch (IllegalArgumentException e) {
            problems.add(where + ".bearerTokenHashes[" + j + "]: " + e.getMessage());
          }
        }
        if (secrets.isEmpty() && tokens.isEmpty() && !t.has("clientSecretHash")) {
          problems.add(where + ": needs clientSecretHash or bearerTokenHashes");
        }
        types.put(id, new Credentials.SinkTypeCredentials(secrets, tokens));
      }
    }
    Map<String, SecretHash> tenants = new LinkedHashMap<>();
    JsonNode tenantsNode = root.path("tenants");
    for (int i = 0; i < tenantsNode.size(); i++) {
      JsonNode t = tenantsNode.get(i);
      String where = "tenants[" + i + "]";
      String uuid = t.path("uuid").asText("");
      try {
        UUID.fromString(uuid);
      } catch (IllegalArgumentException e) {
        problems.add(where + ".uuid: expected a UUID such as 6f1c2a4e-0000-4000-8000-000000000001");
        continue;
      }
      SecretHash secret = hash(t, "secretHash", where + ".secretHash", problems);
      if (secret != null) {
        tenants.put(uuid, secret);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          source
              + " has "
              + problems.size()
              + " problem(s):\n  - "
              + String.join("\n  - ", problems));
    }
    return new Credentials(types, tenants, admin);
  }

  /** One hash, or a list of them while a secret is being rotated (new and old both accepted). */
  private static List<SecretHash> clientSecretHashes(
      JsonNode type, String where, List<String> problems) {
    JsonNode node = type.path("clientSecretHash");
    List<SecretHash> hashes = new ArrayList<>();
    if (node.isMissingNode()) {
      return hashes;
    }
    if (!node.isArray()) {
      SecretHash one = hash(type, "clientSecretHash", where + ".clientSecretHash", problems);
      if (one != null) {
        hashes.add(one);
      }
      return hashes;
    }
    if (node.isEmpty() || node.size() > 2) {
      problems.add(
          where
              + ".clientSecretHash: a hash, or a list of two during a rotation (the new one and"
              + " the old one), not "
              + node.size());
    }
    for (int j = 0; j < node.size(); j++) {
      try {
        hashes.add(SecretHash.parse(node.get(j).asText()));
      } catch (IllegalArgumentException e) {
        problems.add(where + ".clientSecretHash[" + j + "]: " + e.getMessage());
      }
    }
    return hashes;
  }

  private static SecretHash hash(JsonNode node, String field, String where, List<String> problems) {
    JsonNode v = node.get(field);
    if (v == null || v.asText().isBlank()) {
      problems.add(where + ": required (make one with `nexomatic-hub hash-secret`)");
      return null;
    }
    try {
      return SecretHash.parse(v.asText());
    } catch (IllegalArgumentException e) {
      problems.add(where + ": " + e.getMessage());
      return null;
    }
  }
}
