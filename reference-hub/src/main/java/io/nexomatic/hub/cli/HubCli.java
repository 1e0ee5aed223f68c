package io.nexomatic.hub.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nexomatic-hub} command line: serve the Hub, or talk to one. */
@Command(
    name = "nexomatic-hub",
    mixinStandardHelpOptions = true,
    versionProvider = HubCli.Version.class,
    description = "The Nexomatic reference Hub and its admin client.",
    subcommands = {
      ServeCommand.class,
      SubmitCommand.class,
      ClientCommands.Get.class,
      ClientCommands.Logs.class,
      ClientCommands.Stats.class,
      ClientCommands.Sinks.class,
      ClientCommands.Control.class,
      ClientCommands.Cancel.class,
      CredentialsCommands.HashSecret.class,
      CredentialsCommands.InitCredentials.class,
    })
public final class HubCli implements Runnable {
  /** Exit code when a call to the Hub failed. */
  static final int EXIT_RPC_FAILED = 3;

  /** Exit code when waiting timed out. */
  static final int EXIT_WAIT_TIMEOUT = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code. */
  public static int run(String... args) {
    return run(
        new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /** Runs a command line with its output and errors captured (for tests and embedding). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    return new CommandLine(new HubCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(out)
        .setErr(err)
        .execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /** Prints the Hub's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {io.nexomatic.hub.HubVersion.VERSION};
    }
  }
}
