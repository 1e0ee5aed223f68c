package io.nexomatic.sink.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Attributes;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.sink.config.Secret;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Where the sink's credentials are computed, and what they carry. */
class SinkCallCredentialsTest {

  /** What gRPC passes in; only the executor and the applier matter here. */
  private static final CallCredentials.RequestInfo REQUEST =
      new CallCredentials.RequestInfo() {
        @Override
        public MethodDescriptor<?, ?> getMethodDescriptor() {
          return null;
        }

        @Override
        public SecurityLevel getSecurityLevel() {
          return SecurityLevel.NONE;
        }

        @Override
        public String getAuthority() {
          return "hub";
        }

        @Override
        public Attributes getTransportAttrs() {
          return Attributes.EMPTY;
        }
      };

  private static final class RecordingApplier extends CallCredentials.MetadataApplier {
    final CompletableFuture<Metadata> applied = new CompletableFuture<>();

    @Override
    public void apply(Metadata headers) {
      applied.complete(headers);
    }

    @Override
    public void fail(Status status) {
      applied.completeExceptionally(status.asRuntimeException());
    }
  }

  private static SinkCallCredentials withTokens(Supplier<String> tokens) {
    return new SinkCallCredentials(
        "LOCAL:BASE", Optional.empty(), Optional.of(tokens), Optional.empty(), Optional.empty());
  }

  @Test
  void aTokenFetchNeverRunsOnTheCallersThreadEvenWithADirectExecutor() throws Exception {
    // The sink's channel runs callbacks directly, so gRPC's "application executor" is the caller:
    // the session's loop thread. A token fetch blocks on HTTP and must not stall that loop.
    CompletableFuture<Thread> fetchedOn = new CompletableFuture<>();
    Supplier<String> tokens =
        () -> {
          fetchedOn.complete(Thread.currentThread());
          return "token-1";
        };
    var credentials = withTokens(tokens);
    var applier = new RecordingApplier();

    credentials.applyRequestMetadata(REQUEST, Runnable::run, applier);

    Metadata headers = applier.applied.get(10, TimeUnit.SECONDS);
    assertThat(fetchedOn.get()).isNotSameAs(Thread.currentThread());
    assertThat(headers.get(ProtocolMetadata.AUTHORIZATION))
        .isEqualTo(ProtocolMetadata.BEARER_PREFIX + "token-1");
    assertThat(headers.get(ProtocolMetadata.CLIENT_ID)).isEqualTo("LOCAL:BASE");
  }

  @Test
  void aFailedTokenFetchFailsTheCallUnauthenticatedWithoutTheToken() {
    Supplier<String> tokens =
        () -> {
          throw new IllegalStateException("token endpoint answered 401");
        };
    var credentials = withTokens(tokens);
    var applier = new RecordingApplier();

    credentials.applyRequestMetadata(REQUEST, Runnable::run, applier);

    assertThat(applier.applied)
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .withMessageContaining("UNAUTHENTICATED")
        .withMessageContaining("no access token for the Hub: token endpoint answered 401");
  }

  @Test
  void clientSecretsAreSentAsTheyAre() throws Exception {
    var applier = new RecordingApplier();

    SinkCallCredentials.clientSecret("LOCAL:BASE", Secret.of("s3cret-value"))
        .applyRequestMetadata(REQUEST, Runnable::run, applier);

    Metadata headers = applier.applied.get(10, TimeUnit.SECONDS);
    assertThat(headers.get(ProtocolMetadata.CLIENT_SECRET)).isEqualTo("s3cret-value");
    assertThat(headers.get(ProtocolMetadata.AUTHORIZATION)).isNull();
  }
}
