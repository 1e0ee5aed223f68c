package io.nexomatic.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Serves /healthz, /readyz and /metrics (Prometheus text format) with the JDK's HTTP server. */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  /**
   * @param runtime the operator's runtime info, read on each probe
   */
  public HealthServer(int port, Supplier<RuntimeInfo> runtime, PrometheusMeterRegistry registry)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext("/healthz", exchange -> respond(exchange, 200, "ok\n", "text/plain"));
    server.createContext(
        "/readyz",
        exchange -> {
          var info = runtime.get();
          // Ready once started and every informer is watching; a follower waiting for the Lease
          // is started and so ready, which keeps rolling updates moving.
          boolean ready = info != null && info.isStarted() && info.allEventSourcesAreHealthy();
          respond(exchange, ready ? 200 : 503, ready ? "ready\n" : "not ready\n", "text/plain");
        });
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
  }

  /** Starts serving. */
  public void start() {
    server.start();
  }

  /** The bound port (useful when constructed with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
  }

  private static void respond(HttpExchange exchange, int code, String body, String contentType)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(code, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
