package io.nexomatic.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import io.grpc.stub.MetadataUtils;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.MemoryOnlyJournal;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which threads run the Hub's handlers over real TCP: the transport's event loop when the journal
 * never touches disk, gRPC's executor when it does (a disk write on an event loop would stall every
 * connection sharing it).
 */
class HandlerThreadsTest {

  /** Records the thread of the first save; durable as told. */
  private static final class ThreadRecordingJournal extends MemoryOnlyJournal {
    final CompletableFuture<Thread> firstSave = new CompletableFuture<>();
    private final boolean durable;

    ThreadRecordingJournal(boolean durable) {
      this.durable = durable;
    }

    @Override
    public void save(Task task, long seq) {
      firstSave.complete(Thread.currentThread());
    }

    @Override
    public boolean durable() {
      return durable;
    }
  }

  private static Thread threadOfASubmit(boolean durable) throws Exception {
    var journal = new ThreadRecordingJournal(durable);
    try (var hub =
        new HubServer(
                HubServer.nettyBuilder("127.0.0.1", 0),
                HubConfig.defaults(),
                TestCredentials.credentials(),
                journal)
            .start()) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", hub.port()).usePlaintext().build();
      try {
        Metadata h = new Metadata();
        h.put(
            ProtocolMetadata.AUTHORIZATION,
            ProtocolMetadata.BEARER_PREFIX + TestCredentials.ADMIN_TOKEN);
        HubAdminGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
            .submitTask(
                SubmitTaskRequest.newBuilder()
                    .setSinkType(TestCredentials.BASE)
                    .setModule("demo.run")
                    .build());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      return journal.firstSave.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDurableJournalIsNeverWrittenOnATransportThread() throws Exception {
    assertThat(threadOfASubmit(true)).isNotInstanceOf(FastThreadLocalThread.class);
  }

  @Test
  void aHubWithoutDiskHandlesMessagesOnTheTransportThread() throws Exception {
    assertThat(threadOfASubmit(false)).isInstanceOf(FastThreadLocalThread.class);
  }
}
