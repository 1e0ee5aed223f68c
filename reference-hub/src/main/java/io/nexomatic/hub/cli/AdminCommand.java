package io.nexomatic.hub.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.nexomatic.protocol.TransportDiagnosis;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A client command: opens a channel, runs against the admin API, prints JSON, and turns gRPC errors
 * into one readable line and exit code 3.
 */
abstract class AdminCommand implements Callable<Integer> {
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence();

  @Mixin HubConnection connection;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  abstract int run(HubAdminGrpc.HubAdminBlockingStub admin) throws Exception;

  @Override
  public final Integer call() throws Exception {
    ManagedChannel channel;
    try {
      channel = connection.channel();
    } catch (IllegalArgumentException e) {
      err().println("error: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    try {
      return run(connection.admin(channel));
    } catch (IllegalArgumentException e) {
      err().println("error: " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    } catch (StatusRuntimeException e) {
      var status = e.getStatus();
      String why =
          TransportDiagnosis.explain(
                  status,
                  connection.tlsCa != null,
                  connection.expectedName(),
                  HubConnection.OPTIONS)
              .map(cause -> " (" + cause + ")")
              .orElse("");
      err()
          .println(
              "error: "
                  + status.getCode()
                  + ": "
                  + (status.getDescription() == null
                      ? "the Hub at " + connection.hub + " did not answer"
                      : status.getDescription())
                  + why);
      return HubCli.EXIT_RPC_FAILED;
    } finally {
      HubConnection.close(channel);
    }
  }

  void print(MessageOrBuilder message) throws InvalidProtocolBufferException {
    PrintWriter out = spec.commandLine().getOut();
    out.println(JSON.print(message));
    out.flush();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
