package io.nexomatic.sink.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on 127.0.0.1 between a sink and the Hub that a test can cut (every open
 * connection reset at once, as a network blip does) and re-point at another Hub port.
 */
public final class TcpProxy implements AutoCloseable {
  private volatile long delayedUntilNanos = System.nanoTime();
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final java.util.Set<Socket> blackHoled =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile int targetPort;

  /** Starts forwarding to {@code 127.0.0.1:targetPort}. */
  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The port sinks connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** How many connections the proxy has accepted so far. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** New connections go to this Hub port. */
  public void retarget(int port) {
    this.targetPort = port;
  }

  /** Holds every byte in flight for {@code d} from now (a stall, not a loss). */
  public void delay(java.time.Duration d) {
    delayedUntilNanos = System.nanoTime() + d.toNanos();
  }

  /**
   * Makes every open connection half-open: bytes are read and dropped in both directions, and no
   * FIN or RST is sent, as when a NAT or firewall forgets the flow. New connections work.
   */
  public void blackHole() {
    blackHoled.addAll(open);
  }

  /** Resets every open connection; new ones are accepted as before. */
  public void cut() {
    for (Socket s : open) {
      try {
        s.setSoLinger(true, 0); // RST, like a dropped route, rather than an orderly FIN
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
    open.clear();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        accepted.incrementAndGet();
        Socket upstream;
        try {
          upstream = new Socket();
          upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        } catch (IOException refused) {
          client.close();
          continue;
        }
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  if (blackHoled.contains(from)) {
                    continue;
                  }
                  long holdUntil = delayedUntilNanos;
                  long wait = holdUntil - System.nanoTime();
                  if (wait > 0) {
                    // A delay fault: bytes are held, not lost, as on a congested link.
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side closed or was cut
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    cut();
  }
}
