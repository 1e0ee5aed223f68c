package io.nexomatic.hub.grpc;

import io.grpc.stub.StreamObserver;

/** Swallows the messages of a call that was already failed. */
final class NoopObserver<T> implements StreamObserver<T> {
  private static final NoopObserver<?> INSTANCE = new NoopObserver<>();

  @SuppressWarnings("unchecked")
  static <T> StreamObserver<T> instance() {
    return (StreamObserver<T>) INSTANCE;
  }

  @Override
  public void onNext(T value) {}

  @Override
  public void onError(Throwable t) {}

  @Override
  public void onCompleted() {}
}
