package io.nexomatic.delivery;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The Hub image serving on 127.0.0.1 (host network), set up as docs/install.md says: its own {@code
 * init-credentials} writes the credentials into its named volume, where its state lives.
 */
final class HubContainer implements AutoCloseable {

  private final Containers containers;
  private final String name;
  private final int port;
  private final HubClient client;

  private HubContainer(Containers containers, String name, int port, HubClient client) {
    this.containers = containers;
    this.name = name;
    this.port = port;
    this.client = client;
  }

  /** The Hub, started with exactly the commands of docs/install.md ("Running the Hub image"). */
  static HubContainer start(Containers containers, Duration timeout) throws IOException {
    String image = containers.image("nexomatic-hub");
    String volume = containers.volume("hub-data");
    String secrets =
        containers.docker.ok(
            "run",
            "--rm",
            "-v",
            volume + ":/var/lib/nexomatic-hub",
            image,
            "init-credentials",
            "--out",
            "/var/lib/nexomatic-hub/credentials.yaml");
    int port = HubClient.freePort();
    HubClient client = HubClient.fromInitCredentials(secrets, "127.0.0.1", port);
    String name =
        containers.start(
            "hub",
            List.of("-v", volume + ":/var/lib/nexomatic-hub"),
            image,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--credentials",
            "/var/lib/nexomatic-hub/credentials.yaml",
            "--data-dir",
            "/var/lib/nexomatic-hub",
            "--heartbeat-interval",
            "1s",
            "--lease-ttl",
            "6s");
    client.awaitServing(timeout);
    return new HubContainer(containers, name, port, client);
  }

  HubClient client() {
    return client;
  }

  int port() {
    return port;
  }

  /** The container's name, for docker stop/start/restart. */
  String name() {
    return name;
  }

  /** What a sink needs to reach this Hub with the LOCAL:BASE credentials, as docker -e pairs. */
  List<String> sinkEnv() {
    return List.of(
        "-e",
        "HUB_HOST=127.0.0.1",
        "-e",
        "HUB_PORT=" + port,
        "-e",
        "CLIENT_SECRET=" + client.clientSecret());
  }

  @Override
  public void close() {
    client.close();
    containers.remove("-hub");
  }
}
