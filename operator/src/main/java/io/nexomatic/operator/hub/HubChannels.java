package io.nexomatic.operator.hub;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One Netty channel per Hub endpoint, created on first use and closed with the operator. */
public final class HubChannels implements Function<HubEndpoint, io.grpc.Channel>, AutoCloseable {

  private final Map<HubEndpoint, ManagedChannel> channels = new ConcurrentHashMap<>();

  @Override
  public io.grpc.Channel apply(HubEndpoint endpoint) {
    return channels.computeIfAbsent(endpoint, HubChannels::open);
  }

  private static ManagedChannel open(HubEndpoint endpoint) {
    ChannelCredentials credentials;
    if (endpoint.tls()) {
      var tls = TlsChannelCredentials.newBuilder();
      if (endpoint.caBundle().isPresent()) {
        try {
          tls.trustManager(new ByteArrayInputStream(endpoint.caBundle().get()));
        } catch (IOException e) {
          throw new UncheckedIOException("the Hub CA bundle is not valid PEM", e);
        }
      }
      credentials = tls.build();
    } else {
      credentials = InsecureChannelCredentials.create();
    }
    NettyChannelBuilder builder;
    try {
      builder = NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port(), credentials);
    } catch (IllegalArgumentException e) {
      // Netty parses the CA bundle only here ("No certificate data found").
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
    endpoint.serverName().ifPresent(builder::overrideAuthority);
    // Polls are seconds apart: an idle channel is fine, a dead one must be noticed.
    return builder.keepAliveTime(30, TimeUnit.SECONDS).idleTimeout(5, TimeUnit.MINUTES).build();
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
