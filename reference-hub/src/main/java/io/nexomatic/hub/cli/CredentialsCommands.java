package io.nexomatic.hub.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nexomatic.hub.auth.SecretHash;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Commands that make credentials: hash a secret, or write a fresh credentials file. */
final class CredentialsCommands {
  private static final SecureRandom RANDOM = new SecureRandom();

  private CredentialsCommands() {}

  static String randomSecret() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Prints the hash of a secret (from the argument, or stdin). */
  @Command(
      name = "hash-secret",
      mixinStandardHelpOptions = true,
      description = "Hash a secret for the credentials file (reads stdin without an argument).")
  static final class HashSecret implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SECRET")
    String secret;

    @Override
    public Integer call() throws Exception {
      String s = secret;
      if (s == null) {
        s = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      }
      if (s == null || s.isEmpty()) {
        System.err.println("error: no secret given (pass it as an argument or on stdin)");
        return CommandLine.ExitCode.USAGE;
      }
      System.out.println(SecretHash.of(s).encoded());
      return 0;
    }
  }

  /**
   * Writes a credentials file with fresh random secrets and prints the plaintext secrets once, as
   * JSON, so a newcomer can start a Hub and sinks in one step.
   */
  @Command(
      name = "init-credentials",
      mixinStandardHelpOptions = true,
      description = "Write a credentials file with fresh secrets; print the secrets as JSON.")
  static final class InitCredentials implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Credentials file to write.")
    Path out;

    @Option(
        names = "--sink-type",
        defaultValue = "LOCAL:BASE,LOCAL:PWSH",
        split = ",",
        description = "Sink Types (default ${DEFAULT-VALUE}).")
    List<String> sinkTypes;

    @Option(names = "--tenant", split = ",", description = "Tenant uuids (default: one new).")
    List<String> tenants;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
      if (Files.exists(out) && !force) {
        System.err.println("error: " + out + " exists; pass --force to overwrite it");
        return CommandLine.ExitCode.USAGE;
      }
      ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
      ObjectMapper json = new ObjectMapper();
      ObjectNode file = yaml.createObjectNode();
      ObjectNode secrets = json.createObjectNode();
      String admin = randomSecret();
      file.put("adminTokenHash", SecretHash.of(admin).encoded());
      secrets.put("adminToken", admin);
      ArrayNode types = file.putArray("sinkTypes");
      ObjectNode typeSecrets = secrets.putObject("clientSecrets");
      for (String t : sinkTypes) {
        String s = randomSecret();
        types.addObject().put("id", t).put("clientSecretHash", SecretHash.of(s).encoded());
        typeSecrets.put(t, s);
      }
      ArrayNode tenantNodes = file.putArray("tenants");
      ObjectNode tenantSecrets = secrets.putObject("tenantSecrets");
      for (String u : tenants == null ? List.of(UUID.randomUUID().toString()) : tenants) {
        String s = randomSecret();
        tenantNodes.addObject().put("uuid", u).put("secretHash", SecretHash.of(s).encoded());
        tenantSecrets.put(u, s);
      }
      Files.writeString(out, yaml.writeValueAsString(file));
      try {
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(secrets));
      return 0;
    }
  }
}
