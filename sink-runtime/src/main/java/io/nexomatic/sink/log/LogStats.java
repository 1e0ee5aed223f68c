package io.nexomatic.sink.log;

/**
 * How much of a task's output was produced, forwarded and dropped.
 *
 * @param producedBytes bytes the task wrote to stdout and stderr
 * @param forwardedBytes bytes forwarded (head, truncation marker, tail): the final log offset
 * @param droppedBytes bytes dropped between head and tail because of MAX_LOG_BYTES
 */
public record LogStats(long producedBytes, long forwardedBytes, long droppedBytes) {}
