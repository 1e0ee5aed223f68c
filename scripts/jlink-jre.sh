#!/bin/sh
# jlink-jre.sh OUT - the Java runtime the images ship: only the JDK modules our jars use, with a
# CDS archive of the JDK classes, from whatever JDK runs the image's build stage (Temurin or
# Debian's; Java debug attributes only, as Debian's jlink strips native symbols with an objcopy
# the image lacks). One list for every image, so the sink, Hub and operator run on the same runtime.
#   java.sql            H2 (the Hub's journal) and Jackson's java.sql types
#   java.net.http       the fabric8 client's transport, Entra ID token requests
#   jdk.httpserver      the operator's /healthz, /readyz and /metrics
#   java.management     Micrometer's JVM metrics, logback; jdk.management for its OS metrics
#   java.naming         Netty and logback look up JNDI (DNS servers, optional configuration)
#   jdk.naming.dns      ... with the DNS provider
#   jdk.unsupported     Netty and protobuf use sun.misc.Unsafe
#   jdk.crypto.ec       TLS with EC keys and ECDHE (the Hub's TLS, the API server's)
#   java.xml            logback's configuration parser
set -eu
out=$1
jlink \
  --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.unsupported \
  --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 \
  --generate-cds-archive \
  --output "$out"
"$out/bin/java" -version
