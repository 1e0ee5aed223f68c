package io.nexomatic.protocol.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Exporting is chosen by the environment a process is given (a map here, never the test JVM's own
 * environment), and without an OTLP endpoint no class of the SDK or its exporter is even loaded.
 * Loading is observed in a class loader of its own that loads this module and OpenTelemetry itself
 * and records every class it defines, so classes other tests loaded into the JVM do not count.
 */
class TelemetryTest {
  private static final Map<String, String> WITH_ENDPOINT =
      Map.of(Telemetry.ENDPOINT, "http://127.0.0.1:4318", "OTEL_SERVICE_NAME", "test-service");

  @Test
  void withoutAnEndpointTheProcessGetsTheApisNoop() {
    assertThat(Telemetry.fromEnvironment(Map.of(), "svc")).isSameAs(OpenTelemetry.noop());
    assertThat(Telemetry.fromEnvironment(Map.of(Telemetry.ENDPOINT, " "), "svc"))
        .isSameAs(OpenTelemetry.noop());
    assertThat(
            Telemetry.fromEnvironment(
                Map.of(Telemetry.ENDPOINT, "http://collector:4317", Telemetry.SDK_DISABLED, "true"),
                "svc"))
        .isSameAs(OpenTelemetry.noop());
  }

  @Test
  void withoutAnEndpointNoSdkClassIsLoadedAndNoExporterThreadStarts() throws Exception {
    try (RecordingLoader loader = new RecordingLoader()) {
      List<String> before = exporterThreads();
      Object otel = loader.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "set but no endpoint"));
      assertThat(otel.getClass().getName()).doesNotStartWith("io.opentelemetry.sdk.");
      assertThat(loader.defined())
          .as("classes defined without an endpoint")
          .contains(Telemetry.class.getName())
          .noneMatch(TelemetryTest::isSdk);
      assertThat(exporterThreads()).isSubsetOf(before);
    }
  }

  @Test
  void withAnEndpointTheSdkExportsOverOtlpUntilClosed() throws Exception {
    try (RecordingLoader loader = new RecordingLoader()) {
      List<String> before = exporterThreads();
      Object otel = loader.fromEnvironment(WITH_ENDPOINT);
      try {
        assertThat(otel.getClass().getName()).startsWith("io.opentelemetry.sdk.");
        assertThat(loader.defined())
            .anyMatch(name -> name.startsWith("io.opentelemetry.exporter.otlp."));
        assertThat(exporterThreads()).hasSizeGreaterThan(before.size());
      } finally {
        ((AutoCloseable) otel).close();
      }
    }
  }

  @Test
  void theEnvironmentPassedInConfiguresTheSdkOverThisProjectsDefaults() {
    Map<String, String> p =
        OtlpTelemetry.properties(
            Map.of("OTEL_SERVICE_NAME", "hub-eu", "OTEL_METRICS_EXPORTER", "otlp", "PATH", "/bin"),
            "nexomatic-hub");
    assertThat(p)
        .containsEntry("otel.service.name", "hub-eu")
        .containsEntry("otel.metrics.exporter", "otlp")
        .containsEntry("otel.logs.exporter", "none")
        .containsEntry("otel.traces.exporter", "otlp")
        .containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
        .doesNotContainKey("path");
    assertThat(OtlpTelemetry.properties(Map.of(), "nexomatic-hub"))
        .containsEntry("otel.service.name", "nexomatic-hub");
  }

  private static boolean isSdk(String className) {
    return className.startsWith("io.opentelemetry.sdk.")
        || className.startsWith("io.opentelemetry.exporter.");
  }

  /** The batch span processors' workers, which export in the background (as thread ids). */
  private static List<String> exporterThreads() {
    List<String> ids = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("BatchSpanProcessor")) {
        ids.add(t.getName() + "#" + t.getId());
      }
    }
    return ids;
  }

  /**
   * Loads this module's classes and every library on the test class path itself (child first),
   * leaving only the JDK to its parent, and records the name of each class it defines.
   */
  private static final class RecordingLoader extends URLClassLoader {
    private final Set<String> defined = Collections.synchronizedSet(new LinkedHashSet<>());

    RecordingLoader() throws IOException, URISyntaxException {
      super(classPath(), ClassLoader.getPlatformClassLoader());
    }

    /** The entries of this test's class path: directories and every jar with a manifest. */
    private static URL[] classPath() throws IOException, URISyntaxException {
      Set<URL> urls = new LinkedHashSet<>();
      urls.add(Telemetry.class.getProtectionDomain().getCodeSource().getLocation());
      urls.add(OpenTelemetry.class.getProtectionDomain().getCodeSource().getLocation());
      var manifests = TelemetryTest.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
      while (manifests.hasMoreElements()) {
        String url = manifests.nextElement().toString();
        if (url.startsWith("jar:file:") && url.contains("!/")) {
          urls.add(Path.of(new URL(url.substring(4, url.indexOf("!/"))).toURI()).toUri().toURL());
        }
      }
      return urls.toArray(URL[]::new);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      Class<?> c = super.findClass(name);
      defined.add(name);
      return c;
    }

    /** {@link Telemetry#fromEnvironment} as loaded here. */
    Object fromEnvironment(Map<String, String> env) throws ReflectiveOperationException {
      return loadClass(Telemetry.class.getName())
          .getMethod("fromEnvironment", Map.class, String.class)
          .invoke(null, env, "test");
    }

    List<String> defined() {
      synchronized (defined) {
        return List.copyOf(defined);
      }
    }
  }
}
