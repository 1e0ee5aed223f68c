package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.BASE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.nexomatic.hub.server.HubServer;
import io.nexomatic.hub.store.TaskJournal;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.hub.testing.TestCredentials;
import io.nexomatic.protocol.v1.SubmitTaskRequest;
import io.nexomatic.protocol.v1.Task;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Closing the Hub never interrupts a journal write in progress on its timer thread. */
class HubServerCloseTest {

  /** A durable-looking journal whose timer-thread writes take a while, as on a slow disk. */
  private static final class SlowTimerWrites implements TaskJournal {
    private final TaskJournal memory = TaskJournal.inMemory();
    final CountDownLatch timerWriting = new CountDownLatch(1);
    final AtomicBoolean interrupted = new AtomicBoolean();

    @Override
    public void save(Task task, long seq) {
      if (Thread.currentThread().getName().equals("hub-timer")) {
        timerWriting.countDown();
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          // What closes H2's FileChannel with ClosedByInterruptException.
          interrupted.set(true);
        }
      }
      memory.save(task, seq);
    }

    @Override
    public void appendLog(String taskId, int attempt, long offset, byte[] data, boolean eof) {
      memory.appendLog(taskId, attempt, offset, data, eof);
    }

    @Override
    public List<StoredTask> loadTasks() {
      return memory.loadTasks();
    }

    @Override
    public StoredLog loadLog(String taskId) {
      return memory.loadLog(taskId);
    }

    @Override
    public void close() {
      memory.close();
    }
  }

  @Test
  void aTickWritingTheJournalWhenTheHubClosesFinishesUninterrupted() throws Exception {
    var journal = new SlowTimerWrites();
    var server =
        new HubServer(
                HubServer.nettyBuilder("127.0.0.1", 0),
                HubConfig.builder()
                    .heartbeatInterval(Duration.ofMillis(100))
                    .leaseTtl(Duration.ofMillis(500))
                    .tickInterval(Duration.ofMillis(50))
                    .build(),
                TestCredentials.credentials(),
                journal)
            .start();
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
            .build();
    try {
      server
          .core()
          .submit(
              SubmitTaskRequest.newBuilder()
                  .setSinkType(BASE)
                  .setModule("samples.hello")
                  .setPayloadJson("{}")
                  .build());
      var sink = ScriptedSink.forTest(channel, BASE, BASE_SECRET, Optional.empty(), null);
      sink.hello(1);
      sink.credit(1);
      // Accepted, then never a heartbeat: the lease lapses on a tick, which writes the journal.
      sink.accept(sink.takeOffer());
      assertThat(journal.timerWriting.await(30, TimeUnit.SECONDS)).isTrue();

      server.close();

      assertThat(journal.interrupted).as("the tick's write was interrupted").isFalse();
    } finally {
      channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }
}
