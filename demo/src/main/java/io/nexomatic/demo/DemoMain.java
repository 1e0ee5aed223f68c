package io.nexomatic.demo;

/** {@code java -jar demo/target/nexomatic-demo.jar [--tasks N] [--no-chaos] [--keep-running]}. */
public final class DemoMain {

  private DemoMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  /** Runs the demo and returns its exit code: 0 all tasks as expected, 1 not, 2 usage error. */
  static int run(String[] args) throws Exception {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(DemoOptions.USAGE);
      return 0;
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(DemoOptions.USAGE);
      return 2;
    }
    // The mock API server logs every request through java.util.logging; the view is the output.
    java.util.logging.LogManager.getLogManager().reset();
    System.setProperty("nexomatic.committedCrds", options.root().resolve("crds").toString());
    return new Demo(options, System.out).run();
  }
}
