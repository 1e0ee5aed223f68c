package io.nexomatic.sink.log;

import com.google.protobuf.ByteString;
import io.nexomatic.protocol.v1.LogChunk;
import io.nexomatic.protocol.v1.TaskRef;

/**
 * A piece of a task's forwarded output, ready for the log stream.
 *
 * @param taskId the task id
 * @param attempt the attempt
 * @param offset byte offset of {@code data[0]} in the attempt's forwarded log
 * @param data at most 64 KiB, never ending inside a UTF-8 sequence unless the output is not UTF-8;
 *     owned by the receiver (never reused by the sender)
 * @param eof no more chunks follow for this attempt; {@code data} may be empty then
 */
public record OutputChunk(String taskId, int attempt, long offset, byte[] data, boolean eof) {

  /** The offset just past this chunk. */
  public long endOffset() {
    return offset + data.length;
  }

  /** This chunk as the protocol's {@link LogChunk}. */
  public LogChunk toProto() {
    return LogChunk.newBuilder()
        .setTask(TaskRef.newBuilder().setTaskId(taskId).setAttempt(attempt))
        .setOffset(offset)
        .setData(ByteString.copyFrom(data))
        .setEof(eof)
        .build();
  }
}
