package io.nexomatic.sink.session;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.nexomatic.protocol.TransportDiagnosis;
import io.nexomatic.protocol.v1.Hello;
import io.nexomatic.protocol.v1.HubMessage;
import io.nexomatic.protocol.v1.SinkHubGrpc;
import io.nexomatic.protocol.v1.SinkMessage;
import io.nexomatic.protocol.v1.Welcome;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control stream to the Hub: opens it with a Hello, hands each Hub message to the loop, says
 * once per cause why a session failed, and re-opens it with back-off. Messages other than Hello go
 * out only once the Hub has welcomed the session; the session replays what it holds on Welcome.
 */
final class ControlChannel {
  private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);

  private static final TransportDiagnosis.Settings SETTINGS =
      new TransportDiagnosis.Settings(
          "set TLS_ENABLED to true", "set TLS_ENABLED to false", "TLS_CA_FILE", "TLS_SERVER_NAME");

  /** How the session goes on after its control stream closed. */
  enum Reconnect {
    /** The sink stopped or is stopping. */
    NEVER,
    /** At once (a Hub RESET: the sink closed the stream itself). */
    NOW,
    /** After the next back-off delay. */
    WITH_BACKOFF
  }

  private final Channel channel;
  private final SessionSettings settings;
  private final SessionLoop loop;
  private final Backoff backoff = new Backoff(() -> ThreadLocalRandom.current().nextDouble());
  private Consumer<HubMessage> messages;
  private Function<Boolean, Reconnect> ended;
  private Runnable reconnect;

  private ClientCallStreamObserver<SinkMessage> stream;
  private Welcome welcome;
  private String lastCause = "";

  ControlChannel(Channel channel, SessionSettings settings, SessionLoop loop) {
    this.channel = channel;
    this.settings = settings;
    this.loop = loop;
  }

  /**
   * Wires the session in, called on the loop: {@code messages} takes each Hub message of the open
   * stream, {@code ended} hears that the stream closed (true: it had been welcomed) and says how to
   * go on, {@code reconnect} builds a fresh Hello and calls {@link #open}.
   */
  void bind(Consumer<HubMessage> messages, Function<Boolean, Reconnect> ended, Runnable reconnect) {
    this.messages = messages;
    this.ended = ended;
    this.reconnect = reconnect;
  }

  /** A stream is open (welcomed or not). */
  boolean isOpen() {
    return stream != null;
  }

  /** The Hub welcomed the open stream: messages other than Hello may go out. */
  boolean isEstablished() {
    return stream != null && welcome != null;
  }

  /** The id of the welcomed session, or null between sessions. */
  String sessionId() {
    return welcome == null ? null : welcome.getSessionId();
  }

  /** Opens a stream and sends {@code hello}; retries with back-off if it cannot be opened. */
  void open(Hello hello) {
    Observer observer = new Observer();
    try {
      SinkHubGrpc.newStub(channel).connect(observer);
      stream = observer.stream;
      stream.onNext(SinkMessage.newBuilder().setHello(hello).build());
    } catch (RuntimeException e) {
      stream = null;
      long delay = backoff.next().toMillis();
      log.warn("cannot open a session with the Hub ({}): retrying in {} ms", e.toString(), delay);
      loop.schedule(reconnect, delay);
    }
  }

  /** The Hub welcomed the session: the back-off starts over and failures are news again. */
  void welcomed(Welcome w) {
    welcome = w;
    backoff.reset();
    lastCause = "";
  }

  /** Sends {@code m} if a session is established; before Welcome it is held by its owner. */
  void send(SinkMessage.Builder m) {
    if (isEstablished()) {
      stream.onNext(m.build());
    }
  }

  /** Ends the open stream; its close arrives as a session end like any other. */
  void end(String why) {
    if (stream != null) {
      stream.cancel(why, null);
    }
  }

  /** Ends the open stream for good (the sink stops): no session end follows. */
  void close(String why) {
    end(why);
    stream = null;
  }

  /** The control stream's messages and end, handed to the session if it is still the open one. */
  private final class Observer extends HubStreamObserver<SinkMessage, HubMessage> {
    Observer() {
      super(ControlChannel.this.loop);
    }

    @Override
    void received(HubMessage m) {
      if (stream == ControlChannel.this.stream) {
        messages.accept(m);
      }
    }

    @Override
    void closed(Status status) {
      ControlChannel.this.closed(stream, status);
    }
  }

  private void closed(ClientCallStreamObserver<SinkMessage> which, Status status) {
    if (which != stream) {
      return; // an older stream
    }
    boolean wasUp = welcome != null;
    stream = null;
    welcome = null;
    explain(status, wasUp);
    switch (ended.apply(wasUp)) {
      case NOW -> loop.schedule(reconnect, 0);
      case WITH_BACKOFF -> loop.schedule(reconnect, backoff.next().toMillis());
      case NEVER -> {}
    }
  }

  private void explain(Status status, boolean wasUp) {
    // The name the channel expects in the Hub's certificate: TLS_SERVER_NAME, else HUB_HOST.
    String authority = TransportDiagnosis.host(channel.authority());
    String failure = TransportDiagnosis.describe(status, settings.tls(), authority, SETTINGS);
    // One cause can surface as several statuses (a reset, a close): said once, by its cause.
    String cause =
        TransportDiagnosis.explain(status, settings.tls(), authority, SETTINGS).orElse(failure);
    if (status.getCode() == Status.Code.UNAUTHENTICATED
        || status.getCode() == Status.Code.PERMISSION_DENIED) {
      if (!cause.equals(lastCause)) {
        log.error("the Hub refused the sink's credentials: {}", failure);
      }
    } else if (wasUp) {
      log.warn("session with the Hub lost: {}", failure);
    } else if (!cause.equals(lastCause)) {
      log.warn(
          "cannot open a session with the Hub: {}; retrying with back-off up to {} s, and saying"
              + " so again only when the cause changes",
          failure,
          Backoff.MAX.toSeconds());
    }
    lastCause = cause;
  }
}
