package io.nexomatic.sink.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nexomatic.protocol.v1.ParameterKind;
import io.nexomatic.protocol.v1.TaskState;
import io.nexomatic.sink.log.LogCapper;
import io.nexomatic.sink.log.OutputChunk;
import io.nexomatic.sink.log.Utf8Chunker;
import io.nexomatic.sink.testing.CollectingLogSink;
import io.nexomatic.sink.testing.PythonEnv;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task output as the Hub receives it: masked, capped, chunked on UTF-8 boundaries, timely. */
class TaskLogForwardingIT {
  private static final long ONE_MIB = 1024 * 1024;

  @TempDir Path tmp;
  private PythonEnv env;
  private PythonTaskExecutor executor;

  @BeforeEach
  void setUp() {
    env = new PythonEnv(tmp);
    executor = env.executor(Duration.ofSeconds(120), 5 * ONE_MIB);
  }

  @AfterEach
  void tearDown() {
    executor.close();
  }

  private TaskOutcome run(
      String module, String payload, List<ResolvedParameter> params, CollectingLogSink sink)
      throws Exception {
    RunningTask task =
        executor.start(new TaskSpec("log-1", 2, module, payload, params, Duration.ZERO), sink);
    TaskOutcome o = task.outcome().get(180, TimeUnit.SECONDS);
    assertThat(sink.violations()).isEmpty();
    assertThat(sink.ended()).isTrue();
    assertThat(sink.chunks()).allSatisfy(c -> assertThat(c.attempt()).isEqualTo(2));
    return o;
  }

  @Test
  void secretParameterIsMaskedEvenWhenPrintedAcrossTwoFlushes() throws Exception {
    env.module(
        "leaky",
        "import sys, time\n"
            + "def run(payload, params):\n"
            + "    s = params['token']\n"
            + "    print('whole: ' + s, flush=True)\n"
            + "    sys.stdout.write('split: ' + s[:5]); sys.stdout.flush()\n"
            + "    time.sleep(0.8)\n"
            + "    sys.stdout.write(s[5:] + ' end\\n'); sys.stdout.flush()\n"
            + "    print('stderr: ' + s, file=sys.stderr, flush=True)\n"
            + "    print('static: ' + params['region'], flush=True)\n");
    String secret = "s3cr3t-Value-XYZ";
    CollectingLogSink sink = new CollectingLogSink();
    TaskOutcome o =
        run(
            "samples.leaky",
            "{}",
            List.of(
                new ResolvedParameter("token", ParameterKind.SECRET, secret),
                new ResolvedParameter("region", ParameterKind.STATIC, "eu-west")),
            sink);
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    String log = sink.text();
    assertThat(log).doesNotContain(secret).doesNotContain("-Value-XYZ");
    assertThat(log)
        .contains("whole: ***")
        .contains("split: *** end")
        .contains("stderr: ***")
        .contains("static: eu-west");
    assertThat(o.messages()).noneMatch(m -> m.contains(secret));
  }

  @Test
  void fiftyMegabytesWithOneMegabyteCapSucceedsWithHeadMarkerAndTail() throws Exception {
    executor.close();
    executor = env.executor(Duration.ofSeconds(120), ONE_MIB);
    env.module(
        "flood",
        "import sys\n"
            + "def run(payload, params):\n"
            + "    out = sys.stdout.buffer\n"
            + "    total = 0\n"
            + "    n = 0\n"
            + "    while total < 50 * 1024 * 1024:\n"
            + "        b = b'line %09d ' % n + b'x' * 84 + b'\\n'\n"
            + "        out.write(b)\n"
            + "        total += len(b)\n"
            + "        n += 1\n"
            + "    out.write(b'LAST LINE\\n')\n"
            + "    out.flush()\n"
            + "    return 'wrote %d lines' % n\n");
    CollectingLogSink sink = new CollectingLogSink();
    RunningTask task =
        executor.start(
            new TaskSpec("log-1", 2, "samples.flood", "{}", List.of(), Duration.ZERO), sink);
    TaskOutcome o = task.outcome().get(180, TimeUnit.SECONDS);
    assertThat(sink.violations()).isEmpty();

    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    long produced =
        50L * 1024 * 1024 + 10; // lines of exactly 100 bytes: 524288 lines + "LAST LINE\n"
    assertThat(o.log().producedBytes()).isEqualTo(produced);
    byte[] log = sink.bytes();
    assertThat(o.log().forwardedBytes()).isEqualTo(log.length);

    String text = new String(log, StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile(
                "\n\\[nexomatic: (\\d+) bytes dropped by MAX_LOG_BYTES=(\\d+); last (\\d+) bytes follow]\n")
            .matcher(text);
    assertThat(m.find()).as("marker present").isTrue();
    long dropped = Long.parseLong(m.group(1));
    long kept = Long.parseLong(m.group(3));
    assertThat(m.group(2)).isEqualTo(Long.toString(ONE_MIB));
    int tailCapacity = LogCapper.tailCapacity(ONE_MIB);
    assertThat(kept).isEqualTo(tailCapacity);
    assertThat(m.start()).as("head is exactly MAX_LOG_BYTES").isEqualTo(ONE_MIB);
    assertThat(dropped).isEqualTo(produced - ONE_MIB - kept);
    assertThat(o.log().droppedBytes()).isEqualTo(dropped);
    assertThat(log.length).isEqualTo(ONE_MIB + (m.end() - m.start()) + kept);
    assertThat(text).startsWith("line 000000000 xxx");
    assertThat(text).endsWith("LAST LINE\n");
    assertThat(task.peakRetainedLogBytes())
        .as("memory held for the log is the tail ring plus one chunk buffer, not the output")
        .isLessThanOrEqualTo(tailCapacity + Utf8Chunker.MAX_CHUNK_BYTES);
  }

  @Test
  void multiByteCharactersStayIntactAcrossChunkBoundaries() throws Exception {
    env.module(
        "unicode",
        "import sys\n"
            + "def run(payload, params):\n"
            + "    sys.stdout.write('a' + '€' * 40000 + '\\n')\n"
            + "    sys.stdout.write('b' + '😀' * 30000 + '\\n')\n"
            + "    sys.stdout.flush()\n");
    CollectingLogSink sink = new CollectingLogSink();
    TaskOutcome o = run("samples.unicode", "{}", List.of(), sink);
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(sink.chunks().size()).as("output spans several chunks").isGreaterThan(3);
    for (OutputChunk c : sink.chunks()) {
      assertThat(strictUtf8(c.data())).as("chunk at offset %d decodes alone", c.offset()).isTrue();
    }
    assertThat(sink.text())
        .isEqualTo("a" + "€".repeat(40000) + "\n" + "b" + "😀".repeat(30000) + "\n");
  }

  @Test
  void nonUtf8BytesAreForwardedAsTheyAre() throws Exception {
    env.module(
        "latin1",
        "import sys\n"
            + "def run(payload, params):\n"
            + "    sys.stdout.buffer.write(b'caf\\xe9 \\xff\\xfe ok\\n'); sys.stdout.flush()\n");
    CollectingLogSink sink = new CollectingLogSink();
    TaskOutcome o = run("samples.latin1", "{}", List.of(), sink);
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    byte[] expected = {
      'c', 'a', 'f', (byte) 0xe9, ' ', (byte) 0xff, (byte) 0xfe, ' ', 'o', 'k', '\n'
    };
    assertThat(sink.bytes()).isEqualTo(expected);
  }

  @Test
  void slowTrickleIsForwardedWhileTheTaskStillRuns() throws Exception {
    Path release = tmp.resolve("release");
    env.module(
        "trickle",
        "import os, time\n"
            + "def run(payload, params):\n"
            + "    print('first small line', flush=True)\n"
            + "    while not os.path.exists(payload['release']):\n"
            + "        time.sleep(0.05)\n"
            + "    print('second line', flush=True)\n");
    CollectingLogSink sink = new CollectingLogSink();
    RunningTask task =
        executor.start(
            new TaskSpec(
                "log-1",
                2,
                "samples.trickle",
                "{\"release\": \"" + release + "\"}",
                List.of(),
                Duration.ZERO),
            sink);
    await().atMost(Duration.ofSeconds(60)).until(() -> sink.text().contains("first small line"));
    assertThat(task.isRunning())
        .as("forwarded by the flush timer, not by the task ending")
        .isTrue();
    assertThat(sink.ended()).isFalse();
    Files.writeString(release, "go");
    TaskOutcome o = task.outcome().get(180, TimeUnit.SECONDS);
    assertThat(o.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(sink.text()).isEqualTo("first small line\nsecond line\n");
  }

  private static boolean strictUtf8(byte[] data) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
