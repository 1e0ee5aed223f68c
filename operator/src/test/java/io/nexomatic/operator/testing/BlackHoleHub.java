package io.nexomatic.operator.testing;

import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.SinkFleet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Hub that is a black hole, on loopback: TCP accepts every connection, nothing is ever read or
 * answered, so a gRPC call to it waits for its deadline.
 */
public final class BlackHoleHub implements AutoCloseable {

  private final ServerSocket socket;
  private final List<Socket> swallowed = new CopyOnWriteArrayList<>();

  public BlackHoleHub() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    var acceptor =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try {
                  swallowed.add(socket.accept());
                } catch (IOException closed) {
                  return;
                }
              }
            },
            "black-hole-hub");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The port it listens on, at 127.0.0.1. */
  public int port() {
    return socket.getLocalPort();
  }

  /** A Backlog fleet (at least one sink, polled every second) whose Hub is this black hole. */
  public SinkFleet backlogFleet(String namespace, String name) {
    var fleet = TestFleets.pythonFleet(namespace);
    fleet.getMetadata().setName(name);
    fleet.getSpec().getHub().setHost("127.0.0.1");
    fleet.getSpec().getHub().setPort(port());
    fleet.getSpec().setReplicas(null);
    var autoscaling = new AutoscalingSpec();
    autoscaling.setMode(AutoscalingMode.BACKLOG);
    autoscaling.setMinReplicas(1);
    autoscaling.setPollIntervalSeconds(1);
    fleet.getSpec().setAutoscaling(autoscaling);
    return fleet;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : swallowed) {
      s.close();
    }
  }
}
