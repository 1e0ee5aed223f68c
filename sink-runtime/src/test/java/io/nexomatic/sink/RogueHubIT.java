package io.nexomatic.sink;

import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.nexomatic.protocol.v1.SinkHubGrpc;
import io.nexomatic.sink.testing.PythonEnv;
import io.nexomatic.sink.testing.SinkProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rogue Hub that answers every session with random bytes instead of HubMessages: the sink process
 * survives, treats each as a failed session, reconnects with back-off, and still shuts down cleanly
 * on SIGTERM.
 */
class RogueHubIT {

  @TempDir Path tmp;

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  @Test
  void aSinkFedRandomBytesByItsHubReconnectsWithBackoffAndStillDrainsOnSigterm() throws Exception {
    var sessions = new AtomicInteger();
    var random = new Random(20261129L);
    ServerCallHandler<byte[], byte[]> garbage =
        (call, headers) -> {
          if (call.getMethodDescriptor().getFullMethodName().endsWith("/Connect")) {
            sessions.incrementAndGet();
          }
          call.sendHeaders(new io.grpc.Metadata());
          call.request(Integer.MAX_VALUE);
          for (int i = 0; i < 3; i++) {
            byte[] frame = new byte[1 + random.nextInt(256)];
            synchronized (random) {
              random.nextBytes(frame);
            }
            call.sendMessage(frame);
          }
          return new ServerCall.Listener<>() {
            @Override
            public void onHalfClose() {
              call.close(Status.OK, new io.grpc.Metadata());
            }
          };
        };
    var connect = SinkHubGrpc.getConnectMethod().toBuilder(BYTES, BYTES).build();
    var logs = SinkHubGrpc.getStreamLogsMethod().toBuilder(BYTES, BYTES).build();
    Server rogue =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                ServerServiceDefinition.builder(SinkHubGrpc.SERVICE_NAME)
                    .addMethod(connect, garbage)
                    .addMethod(logs, garbage)
                    .build())
            .build()
            .start();
    try (SinkProcess sink =
        SinkProcess.start("victim", rogue.getPort(), BASE_SECRET, new PythonEnv(tmp), Map.of())) {
      await()
          .atMost(Duration.ofSeconds(90))
          .failFast("the sink exited", () -> !sink.isAlive())
          .until(() -> sessions.get() >= 3);
      assertThat(sink.isAlive()).isTrue();

      assertThat(sink.output()).contains("cannot open a session with the Hub");

      sink.sigterm();
      assertThat(sink.awaitExit(Duration.ofSeconds(60))).as(sink.output()).isZero();
      assertThat(sink.output()).doesNotContain(BASE_SECRET);
    } finally {
      rogue.shutdownNow();
    }
  }
}
