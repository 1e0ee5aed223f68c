package io.nexomatic.hub;

import static io.nexomatic.hub.testing.TestCredentials.BASE;
import static io.nexomatic.hub.testing.TestCredentials.PWSH;
import static io.nexomatic.hub.testing.TestCredentials.TENANT_A;
import static io.nexomatic.hub.testing.TestCredentials.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.hub.testing.HubFixture;
import io.nexomatic.hub.testing.ScriptedSink;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.QueueStatsRequest;
import io.nexomatic.protocol.v1.TaskOffer;
import io.nexomatic.protocol.v1.TaskState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A task reaches only sinks of its type and tenant, and never beyond granted credit. */
class RoutingAndCreditTest {
  private HubFixture hub;

  @BeforeEach
  void start() throws Exception {
    hub = new HubFixture();
  }

  @AfterEach
  void stop() throws Exception {
    hub.close();
  }

  private static List<TaskOffer> offers(ScriptedSink s) {
    List<TaskOffer> out = new ArrayList<>();
    for (HubMessage m : s.drain()) {
      if (m.hasOffer()) {
        out.add(m.getOffer());
      }
    }
    return out;
  }

  @Test
  void aTaskReachesOnlySinksOfItsSinkType() {
    ScriptedSink pwsh = hub.sink(PWSH);
    pwsh.hello(10);
    pwsh.credit(10);
    for (int i = 0; i < 5; i++) {
      hub.submit(BASE);
    }
    assertThat(offers(pwsh)).isEmpty();
    hub.submit(PWSH);
    assertThat(offers(pwsh)).extracting(TaskOffer::getSinkType).containsExactly(PWSH);
  }

  @Test
  void aPinnedSinkNeverSeesAnotherTenantsTaskUnderLoad() {
    ScriptedSink pinnedA = hub.pinnedSink(BASE, TENANT_A);
    ScriptedSink pinnedB = hub.pinnedSink(BASE, TENANT_B);
    ScriptedSink open = hub.sink(BASE);
    pinnedA.hello(50);
    pinnedB.hello(50);
    open.hello(50);
    int[] seen = new int[3];
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 10; i++) {
        hub.submit(BASE, i % 3 == 0 ? TENANT_A : i % 3 == 1 ? TENANT_B : "", "m");
      }
      pinnedA.credit(4);
      pinnedB.credit(4);
      open.credit(4);
      for (TaskOffer o : offers(pinnedA)) {
        assertThat(o.getTenantUuid()).isEqualTo(TENANT_A);
        pinnedA.decline(o.getTask());
        seen[0]++;
      }
      for (TaskOffer o : offers(pinnedB)) {
        assertThat(o.getTenantUuid()).isEqualTo(TENANT_B);
        pinnedB.decline(o.getTask());
        seen[1]++;
      }
      for (TaskOffer o : offers(open)) {
        open.decline(o.getTask());
        seen[2]++;
      }
    }
    assertThat(seen[0]).as("tenant A offers").isPositive();
    assertThat(seen[1]).as("tenant B offers").isPositive();
    assertThat(seen[2]).as("unpinned offers").isPositive();
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void pinnedSinksKeepToTheirTenantWhileFourThreadsSubmitConcurrently() throws Exception {
    ScriptedSink pinnedA = hub.pinnedSink(BASE, TENANT_A);
    ScriptedSink pinnedB = hub.pinnedSink(BASE, TENANT_B);
    ScriptedSink open = hub.sink(BASE);
    pinnedA.hello(8);
    pinnedB.hello(8);
    open.hello(8);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    var submitted = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
    var done = new java.util.concurrent.CountDownLatch(4);
    for (int thread = 0; thread < 4; thread++) {
      int offset = thread;
      pool.submit(
          () -> {
            try {
              for (int i = 0; i < 100; i++) {
                int k = offset + i;
                String tenant = k % 3 == 0 ? TENANT_A : k % 3 == 1 ? TENANT_B : "";
                submitted.add(hub.submit(BASE, tenant, "m").getTaskId());
              }
            } finally {
              done.countDown();
            }
          });
    }
    var completedBy = new java.util.HashMap<String, String>();
    List<String> violations = new ArrayList<>();
    while (done.getCount() > 0 || completedBy.size() < submitted.size()) {
      for (var entry :
          List.of(
              java.util.Map.entry(pinnedA, TENANT_A),
              java.util.Map.entry(pinnedB, TENANT_B),
              java.util.Map.entry(open, ""))) {
        ScriptedSink sink = entry.getKey();
        sink.credit(4);
        for (TaskOffer o : offers(sink)) {
          if (!entry.getValue().isEmpty() && !entry.getValue().equals(o.getTenantUuid())) {
            violations.add(o.getTask().getTaskId() + " of " + o.getTenantUuid());
          }
          sink.accept(o.getTask());
          sink.started(o.getTask());
          sink.result(o.getTask(), TaskState.SUCCESS, 0);
          String before = completedBy.put(o.getTask().getTaskId(), entry.getValue());
          if (before != null) {
            violations.add(o.getTask().getTaskId() + " completed twice");
          }
        }
      }
    }
    pool.shutdown();
    assertThat(violations).isEmpty();
    assertThat(submitted).hasSize(400);
    for (String id : submitted) {
      assertThat(hub.core().get(id).getState()).isEqualTo(TaskState.SUCCESS);
    }
    assertThat(completedBy.values()).contains(TENANT_A, TENANT_B, "");
  }

  @Test
  void anUnpinnedSinkServesEveryTenantOldestFirst() {
    var t1 = hub.submit(BASE, TENANT_B, "m");
    var t2 = hub.submit(BASE, TENANT_A, "m");
    var t3 = hub.submit(BASE, "", "m");
    ScriptedSink open = hub.sink(BASE);
    open.hello(3);
    open.credit(3);
    assertThat(offers(open))
        .extracting(o -> o.getTask().getTaskId())
        .containsExactly(t1.getTaskId(), t2.getTaskId(), t3.getTaskId());
  }

  @Test
  void theHubNeverOffersBeyondGrantedCredit() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(2);
    for (int i = 0; i < 20; i++) {
      hub.submit(BASE);
    }
    assertThat(offers(sink)).isEmpty();
    sink.credit(3);
    List<TaskOffer> first = offers(sink);
    assertThat(first).hasSize(3);
    for (TaskOffer o : first) {
      sink.accept(o.getTask());
    }
    assertThat(offers(sink)).as("accepting does not grant credit").isEmpty();
    sink.credit(2);
    assertThat(offers(sink)).hasSize(2);
  }

  @Test
  void backPressureStopsOffersUntilReleased() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.backpressure(true);
    sink.credit(5);
    hub.submit(BASE);
    assertThat(offers(sink)).isEmpty();
    var stats =
        hub.admin
            .getQueueStats(QueueStatsRequest.newBuilder().setSinkType(BASE).build())
            .getStats(0);
    assertThat(stats.getBackpressuredSinks()).isEqualTo(1);
    sink.backpressure(false);
    assertThat(offers(sink)).hasSize(1);
  }

  @Test
  void aDrainingSinkGetsNoOffersAndItsOutstandingOffersAreRequeued() {
    ScriptedSink sink = hub.sink(BASE);
    sink.hello(1);
    sink.credit(1);
    var t = hub.submit(BASE);
    assertThat(offers(sink)).hasSize(1);
    sink.draining();
    sink.credit(5);
    hub.submit(BASE);
    assertThat(offers(sink)).isEmpty();
    assertThat(
            hub.admin
                .getTask(
                    io.nexomatic.protocol.v1.GetTaskRequest.newBuilder()
                        .setTaskId(t.getTaskId())
                        .build())
                .getState())
        .isEqualTo(TaskState.QUEUED);
  }

  @Test
  void queueStatsCountQueuedLeasedAndSinksPerTypeAndTenant() {
    ScriptedSink a = hub.pinnedSink(BASE, TENANT_A);
    a.hello(3);
    a.credit(1);
    hub.submit(BASE, TENANT_A, "m");
    hub.submit(BASE, TENANT_A, "m");
    hub.submit(BASE, TENANT_B, "m");
    a.takeOffer();
    var pinned =
        hub.admin
            .getQueueStats(
                QueueStatsRequest.newBuilder().setSinkType(BASE).setTenantUuid(TENANT_A).build())
            .getStats(0);
    assertThat(pinned.getQueued()).isEqualTo(1);
    assertThat(pinned.getLeased()).isEqualTo(1);
    assertThat(pinned.getConnectedSinks()).isEqualTo(1);
    assertThat(pinned.getBusySinks()).isEqualTo(1);
    assertThat(pinned.getCapacity()).isEqualTo(3);
    var all =
        hub.admin
            .getQueueStats(QueueStatsRequest.newBuilder().setSinkType(BASE).build())
            .getStats(0);
    assertThat(all.getQueued()).isEqualTo(2);
    assertThat(all.getConnectedSinks()).as("only unpinned sinks serve the aggregate").isZero();
  }
}
