package io.nexomatic.hub.cli;

import com.google.protobuf.MessageOrBuilder;
import io.nexomatic.protocol.v1.CancelTaskRequest;
import io.nexomatic.protocol.v1.ControlSinkRequest;
import io.nexomatic.protocol.v1.GetTaskRequest;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import io.nexomatic.protocol.v1.ListSinksRequest;
import io.nexomatic.protocol.v1.QueueStatsRequest;
import io.nexomatic.protocol.v1.SinkAction;
import io.nexomatic.protocol.v1.StreamTaskLogsRequest;
import io.nexomatic.protocol.v1.TaskLogChunk;
import java.io.OutputStream;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The small admin commands, one class each. */
final class ClientCommands {
  private ClientCommands() {}

  /** A command that makes one admin call and prints its answer as JSON. */
  abstract static class Query extends AdminCommand {
    abstract MessageOrBuilder query(HubAdminGrpc.HubAdminBlockingStub admin);

    @Override
    final int run(HubAdminGrpc.HubAdminBlockingStub admin) throws Exception {
      print(query(admin));
      return 0;
    }
  }

  /** Prints one task. */
  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a task as JSON.")
  static final class Get extends Query {
    @Parameters(paramLabel = "TASK_ID")
    String taskId;

    @Override
    MessageOrBuilder query(HubAdminGrpc.HubAdminBlockingStub admin) {
      return admin.getTask(GetTaskRequest.newBuilder().setTaskId(taskId).build());
    }
  }

  /** Writes a task's log to stdout, raw. */
  @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a task's log.")
  static final class Logs extends AdminCommand {
    @Parameters(paramLabel = "TASK_ID")
    String taskId;

    @Option(
        names = {"-f", "--follow"},
        description = "Keep printing until the task has ended.")
    boolean follow;

    @Override
    int run(HubAdminGrpc.HubAdminBlockingStub admin) throws Exception {
      Iterator<TaskLogChunk> chunks =
          admin.streamTaskLogs(
              StreamTaskLogsRequest.newBuilder().setTaskId(taskId).setFollow(follow).build());
      OutputStream out = System.out;
      while (chunks.hasNext()) {
        chunks.next().getData().writeTo(out);
        out.flush();
      }
      return 0;
    }
  }

  /** Prints queue statistics. */
  @Command(name = "stats", mixinStandardHelpOptions = true, description = "Queue statistics.")
  static final class Stats extends Query {
    @Option(names = "--type", defaultValue = "", description = "Only this Sink Type.")
    String sinkType;

    @Option(names = "--tenant", defaultValue = "", description = "Only this tenant.")
    String tenant;

    @Override
    MessageOrBuilder query(HubAdminGrpc.HubAdminBlockingStub admin) {
      return admin.getQueueStats(
          QueueStatsRequest.newBuilder().setSinkType(sinkType).setTenantUuid(tenant).build());
    }
  }

  /** Lists sinks. */
  @Command(name = "sinks", mixinStandardHelpOptions = true, description = "List sinks.")
  static final class Sinks extends Query {
    @Option(names = "--type", defaultValue = "", description = "Only this Sink Type.")
    String sinkType;

    @Option(names = "--all", description = "Include offline sinks.")
    boolean all;

    @Override
    MessageOrBuilder query(HubAdminGrpc.HubAdminBlockingStub admin) {
      return admin.listSinks(
          ListSinksRequest.newBuilder().setSinkType(sinkType).setIncludeOffline(all).build());
    }
  }

  /** Resets, kills or force-kills a sink. */
  @Command(
      name = "control",
      mixinStandardHelpOptions = true,
      description = "Reset, kill or force-kill a sink.")
  static final class Control extends Query {
    /** The actions as typed on the command line. */
    enum Action {
      reset,
      kill,
      force_kill
    }

    @Parameters(index = "0", paramLabel = "SINK_UUID")
    String sinkUuid;

    @Parameters(
        index = "1",
        paramLabel = "ACTION",
        converter = ActionConverter.class,
        description = "reset | kill | force-kill")
    Action action;

    @Option(names = "--reason", defaultValue = "requested from the CLI")
    String reason;

    @Override
    MessageOrBuilder query(HubAdminGrpc.HubAdminBlockingStub admin) {
      SinkAction a =
          switch (action) {
            case reset -> SinkAction.RESET;
            case kill -> SinkAction.KILL;
            case force_kill -> SinkAction.FORCE_KILL;
          };
      return admin.controlSink(
          ControlSinkRequest.newBuilder()
              .setSinkUuid(sinkUuid)
              .setAction(a)
              .setReason(reason)
              .build());
    }

    /** Accepts "force-kill" as well as "force_kill". */
    static final class ActionConverter implements picocli.CommandLine.ITypeConverter<Action> {
      @Override
      public Action convert(String value) {
        try {
          return Action.valueOf(value.toLowerCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
          throw new picocli.CommandLine.TypeConversionException(
              "ACTION must be reset, kill or force-kill, not '" + value + "'");
        }
      }
    }
  }

  /** Cancels a task. */
  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a task.")
  static final class Cancel extends Query {
    @Parameters(paramLabel = "TASK_ID")
    String taskId;

    @Option(names = "--reason", defaultValue = "cancelled from the CLI")
    String reason;

    @Override
    MessageOrBuilder query(HubAdminGrpc.HubAdminBlockingStub admin) {
      return admin.cancelTask(
          CancelTaskRequest.newBuilder().setTaskId(taskId).setReason(reason).build());
    }
  }
}
