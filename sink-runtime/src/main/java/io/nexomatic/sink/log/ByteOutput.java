package io.nexomatic.sink.log;

/** A downstream stage of the log pipeline taking bytes in order. */
interface ByteOutput {
  /** Takes {@code b[off, off+len)}; the array may be reused by the caller afterwards. */
  void write(byte[] b, int off, int len);
}
