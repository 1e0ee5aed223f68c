package io.nexomatic.hub.testing;

import io.nexomatic.hub.auth.Credentials;
import io.nexomatic.hub.auth.SecretHash;
import java.util.List;
import java.util.Map;

/** Well-known test credentials: two Sink Types, two tenants, an admin token. */
public final class TestCredentials {
  public static final String BASE = "LOCAL:BASE";
  public static final String PWSH = "LOCAL:PWSH";
  public static final String BASE_SECRET = "base-secret-0123456789";
  public static final String PWSH_SECRET = "pwsh-secret-0123456789";
  public static final String BASE_TOKEN = "entra-token-for-base";
  public static final String TENANT_A = "6f1c2a4e-0000-4000-8000-00000000000a";
  public static final String TENANT_B = "6f1c2a4e-0000-4000-8000-00000000000b";
  public static final String TENANT_A_SECRET = "tenant-a-secret-xyz";
  public static final String TENANT_B_SECRET = "tenant-b-secret-xyz";
  public static final String ADMIN_TOKEN = "admin-token-0123456789";

  private TestCredentials() {}

  public static Credentials credentials() {
    return new Credentials(
        Map.of(
            BASE,
            new Credentials.SinkTypeCredentials(
                List.of(SecretHash.of(BASE_SECRET)), List.of(SecretHash.of(BASE_TOKEN))),
            PWSH,
            new Credentials.SinkTypeCredentials(List.of(SecretHash.of(PWSH_SECRET)), List.of())),
        Map.of(TENANT_A, SecretHash.of(TENANT_A_SECRET), TENANT_B, SecretHash.of(TENANT_B_SECRET)),
        SecretHash.of(ADMIN_TOKEN));
  }

  public static String secretOf(String sinkType) {
    return sinkType.equals(BASE) ? BASE_SECRET : PWSH_SECRET;
  }

  public static String tenantSecretOf(String tenant) {
    return tenant.equals(TENANT_A) ? TENANT_A_SECRET : TENANT_B_SECRET;
  }
}
