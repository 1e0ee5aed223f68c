package io.nexomatic.hub.cli;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.nexomatic.protocol.ProtocolMetadata;
import io.nexomatic.protocol.TransportDiagnosis;
import io.nexomatic.protocol.v1.HubAdminGrpc;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/** Options shared by the client commands: where the Hub is and the admin token. */
final class HubConnection {
  @Option(
      names = "--hub",
      defaultValue = "${env:NEXOMATIC_HUB:-127.0.0.1:50051}",
      description = "Hub address HOST:PORT (env NEXOMATIC_HUB; default ${DEFAULT-VALUE}).")
  String hub;

  @Option(
      names = "--token",
      defaultValue = "${env:NEXOMATIC_TOKEN}",
      description = "Admin token (env NEXOMATIC_TOKEN).")
  String token;

  @Option(names = "--tls-ca", description = "Use TLS, trusting this CA certificate (PEM).")
  File tlsCa;

  @Option(
      names = "--tls-server-name",
      description =
          "The name to expect in the Hub's certificate, when --hub is another address (a"
              + " port-forward to 127.0.0.1, say). Needs --tls-ca.")
  String tlsServerName;

  /** How a failed connection is explained: in this command's own options. */
  static final TransportDiagnosis.Settings OPTIONS =
      new TransportDiagnosis.Settings(
          "pass --tls-ca with the CA that issued the Hub's certificate",
          "drop --tls-ca",
          "--tls-ca",
          "--tls-server-name");

  ManagedChannel channel() throws IOException {
    if (tlsServerName != null && tlsCa == null) {
      throw new IllegalArgumentException(
          "--tls-server-name needs --tls-ca: pass the CA that issued the Hub's certificate");
    }
    ChannelCredentials creds =
        tlsCa == null
            ? InsecureChannelCredentials.create()
            : TlsChannelCredentials.newBuilder().trustManager(tlsCa).build();
    var builder = Grpc.newChannelBuilder(hub, creds);
    if (tlsServerName != null) {
      builder.overrideAuthority(tlsServerName);
    }
    return builder.build();
  }

  /** The name the Hub's certificate must carry: --tls-server-name, else the host of --hub. */
  String expectedName() {
    return tlsServerName != null ? tlsServerName : TransportDiagnosis.host(hub);
  }

  HubAdminGrpc.HubAdminBlockingStub admin(ManagedChannel channel) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "no admin token: pass --token or set NEXOMATIC_TOKEN (the token whose hash is the"
              + " credentials file's adminTokenHash)");
    }
    Metadata headers = new Metadata();
    headers.put(ProtocolMetadata.AUTHORIZATION, ProtocolMetadata.BEARER_PREFIX + token);
    return HubAdminGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  static void close(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
