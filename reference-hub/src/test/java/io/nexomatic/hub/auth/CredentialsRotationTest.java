package io.nexomatic.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.nexomatic.protocol.ProtocolMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client secret is rotated without a restart: both accepted while it rolls, then only the new.
 */
class CredentialsRotationTest {

  @TempDir Path dir;

  @Test
  void duringARotationBothSecretsAreAcceptedAndAfterItOnlyTheNewOne() throws Exception {
    Path file = dir.resolve("credentials.yaml");
    write(file, "\"" + hash("old") + "\"");
    var watcher = new CredentialsWatcher(file, CredentialsFile.read(file));
    var auth = new Authenticator(watcher);
    assertThat(accepts(auth, "old")).isTrue();
    assertThat(accepts(auth, "new")).isFalse();

    write(file, "[\"" + hash("new") + "\", \"" + hash("old") + "\"]");
    assertThat(watcher.reload()).isTrue();
    assertThat(accepts(auth, "new")).isTrue();
    assertThat(accepts(auth, "old")).as("sinks not yet rolled keep working").isTrue();

    write(file, "\"" + hash("new") + "\"");
    assertThat(watcher.reload()).isTrue();
    assertThat(accepts(auth, "old")).isFalse();
    assertThat(accepts(auth, "new")).isTrue();
    assertThat(watcher.reload()).as("an unchanged file is not parsed again").isFalse();
  }

  @Test
  void aBrokenFileLeavesThePreviousCredentialsInForce() throws Exception {
    Path file = dir.resolve("credentials.yaml");
    write(file, "\"" + hash("old") + "\"");
    var watcher = new CredentialsWatcher(file, CredentialsFile.read(file));
    var auth = new Authenticator(watcher);

    Files.writeString(file, "sinkTypes: [{id: LOCAL:BASE, clientSecretHash: nonsense}]\n");
    assertThat(watcher.reload()).isFalse();
    Files.delete(file);
    assertThat(watcher.reload()).isFalse();

    assertThat(accepts(auth, "old")).isTrue();
  }

  @Test
  void moreThanTwoSecretsNameTheFieldAndTheRule() throws Exception {
    Path file = dir.resolve("credentials.yaml");
    write(file, "[\"" + hash("a") + "\", \"" + hash("b") + "\", \"" + hash("c") + "\"]");
    assertThatThrownBy(() -> CredentialsFile.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sinkTypes[0].clientSecretHash: a hash, or a list of two");
  }

  private static String hash(String secret) {
    return SecretHash.of(secret).encoded();
  }

  private static void write(Path file, String clientSecretHash) throws Exception {
    Files.writeString(
        file,
        "adminTokenHash: \""
            + hash("admin")
            + "\"\nsinkTypes:\n- id: \"LOCAL:BASE\"\n  clientSecretHash: "
            + clientSecretHash
            + "\n");
  }

  private static boolean accepts(Authenticator auth, String secret) {
    var headers = new Metadata();
    headers.put(ProtocolMetadata.CLIENT_ID, "LOCAL:BASE");
    headers.put(ProtocolMetadata.CLIENT_SECRET, secret);
    try {
      auth.authenticate(headers);
      return true;
    } catch (StatusException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      return false;
    }
  }
}
