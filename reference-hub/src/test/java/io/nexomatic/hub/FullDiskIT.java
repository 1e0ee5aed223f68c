package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.nexomatic.hub.store.H2TaskJournal;
import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.hub.testing.RequiredTool;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.protocol.v1.HeldState;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.ListTasksRequest;
import io.nexomatic.protocol.v1.QueueStatsRequest;
import io.nexomatic.protocol.v1.ResultDisposition;
import io.nexomatic.protocol.v1.ResumeVerdict;
import io.nexomatic.protocol.v1.TaskRef;
import io.nexomatic.protocol.v1.TaskState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Hub's journal on a real 4 MiB tmpfs that a filler file fills to the last byte: the Hub
 * refuses submissions, results and log bytes with RESOURCE_EXHAUSTED naming the cause, acknowledges
 * nothing it did not write, keeps answering reads, takes work again once space returns, and a
 * restart from the same directory restores everything it acknowledged.
 */
class FullDiskIT {
  private static final String DISK_FULL = "No space left on device";
  private static Path mount;

  @BeforeAll
  static void mountASmallFilesystem() throws Exception {
    mount = Files.createTempDirectory("hub-full-disk");
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      RequiredTool.skip(
          "mounting a 4 MiB tmpfs needs root with CAP_SYS_ADMIN (as CI has), and `mount` said: "
              + out);
    }
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mount != null) {
      new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void aFullDiskRefusesWhatItCannotRecordKeepsServingReadsAndLosesNothingAcknowledged()
      throws Exception {
    Path dataDir = mount.resolve("data");
    Path filler = mount.resolve("filler");
    List<String> acknowledged = new ArrayList<>();
    String running;
    String sinkUuid;
    TaskRef ref;
    try (HubFixture hub = new HubFixture(b -> b, new H2TaskJournal(dataDir))) {
      ScriptedSink sink = hub.sink(BASE);
      sink.hello(2);
      running = hub.submit(BASE).getTaskId();
      sink.credit(1);
      ref = sink.expect(HubMessage.BodyCase.OFFER).getOffer().getTask();
      sink.accept(ref);
      sink.expect(HubMessage.BodyCase.LEASE_GRANTED);
      sink.started(ref);
      sink.openLogs();
      byte[] before = "before the disk filled\n".getBytes(StandardCharsets.UTF_8);
      assertThat(sink.log(ref, 0, before, false).getAckedOffset()).isEqualTo(before.length);
      sinkUuid = sink.sinkUuid;

      fill(filler);
      // H2 may still place a few small commits in free pages of its file: submit until refused.
      StatusRuntimeException refused = null;
      for (int i = 0; i < 500 && refused == null; i++) {
        try {
          acknowledged.add(hub.submit(BASE).getTaskId());
        } catch (StatusRuntimeException e) {
          refused = e;
        }
      }
      assertThat(refused).as("a submission is refused once the disk is full").isNotNull();
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getStatus().getDescription())
          .contains(DISK_FULL)
          .contains("recorded nothing of this submission");
      assertThat(hub.core().journalWritable()).isFalse();

      // A log chunk is not acknowledged: the log stream ends and the sink will resend it.
      byte[] during = "while the disk is full\n".getBytes(StandardCharsets.UTF_8);
      assertThat(sink.log(ref, before.length, during, false)).isNull();
      assertThat(sink.logClosedWith().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

      // The result is not acknowledged either: the control stream ends instead.
      sink.result(ref, TaskState.SUCCESS, 0, "done");
      assertThat(sink.pending(HubMessage.BodyCase.RESULT_ACK)).isZero();
      assertThat(sink.closedWith().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(sink.closedWith().getDescription()).contains(DISK_FULL);

      // Reads go on, and say what a restart would restore.
      assertThat(hub.core().get(running).getState()).isEqualTo(TaskState.RUNNING);
      assertThat(hub.admin.listTasks(ListTasksRequest.getDefaultInstance()).getTasksCount())
          .isEqualTo(1 + acknowledged.size());
      assertThat(
              hub.admin
                  .getQueueStats(QueueStatsRequest.newBuilder().setSinkType(BASE).build())
                  .getStatsList())
          .isNotEmpty();

      // While refused, a reconnecting sink cannot resume on record either; no offer is made.
      hub.tick(Duration.ofSeconds(2));
      assertThat(hub.core().journalWritable()).isFalse();

      Files.delete(filler);
      hub.tick(Duration.ofSeconds(2)); // the probe finds space again
      assertThat(hub.core().journalWritable()).isTrue();

      ScriptedSink again = hub.sink(BASE);
      again.sinkUuid = sinkUuid;
      var welcome = again.hello(2, ScriptedSink.held(ref, HeldState.HELD_FINISHED));
      assertThat(welcome.getResumeDecisions(0).getVerdict()).isEqualTo(ResumeVerdict.KEEP);
      again.openLogs();
      assertThat(again.log(ref, before.length, during, true).getAckedOffset())
          .isEqualTo(before.length + during.length);
      again.result(ref, TaskState.SUCCESS, 0, "done");
      assertThat(again.expect(HubMessage.BodyCase.RESULT_ACK).getResultAck().getDisposition())
          .isEqualTo(ResultDisposition.RECORDED);
      acknowledged.add(hub.submit(BASE).getTaskId());
    }

    try (HubFixture hub = new HubFixture(b -> b, new H2TaskJournal(dataDir))) {
      assertThat(hub.core().get(running).getState()).isEqualTo(TaskState.SUCCESS);
      assertThat(hub.core().get(running).getMessagesList()).containsExactly("done");
      for (String id : acknowledged) {
        assertThat(hub.core().get(id).getState()).as(id).isEqualTo(TaskState.QUEUED);
      }
      assertThat(hub.core().readLog(running, 0, 1 << 16).data())
          .asString(StandardCharsets.UTF_8)
          .isEqualTo("before the disk filled\nwhile the disk is full\n");
      assertThatThrownBy(() -> hub.core().get("no-such-task")).isNotNull();
    }
  }

  /** Writes until the filesystem has not one more byte. */
  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[16 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains(DISK_FULL)) {
        throw e;
      }
    }
    // The last partial block: fill the remainder byte by byte.
    try (OutputStream out =
        Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(0);
        out.flush();
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains(DISK_FULL)) {
        throw e;
      }
    }
  }
}
