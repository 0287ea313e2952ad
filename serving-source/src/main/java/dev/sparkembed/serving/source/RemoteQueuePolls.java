package dev.sparkembed.serving.source;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Distributed mode: asks the executors' servers at once for their newest requests. Driver. */
final class RemoteQueuePolls {
  private RemoteQueuePolls() {}

  /** Asks every server; returns once one reports something new, or all answered, or timeout. */
  static boolean anyNew(
      List<RemoteQueueHandle> remote, HttpOffset after, long waitMs, long timeoutMs) {
    CompletableFuture<Boolean> anyNew = new CompletableFuture<>();
    List<CompletableFuture<Long>> calls = new ArrayList<>();
    for (RemoteQueueHandle r : remote) {
      long from = after.position(r.token());
      CompletableFuture<Long> call = r.latest(from, waitMs);
      call.thenAccept(
          seq -> {
            if (seq > from) {
              anyNew.complete(true);
            }
          });
      calls.add(call);
    }
    CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .whenComplete((v, e) -> anyNew.complete(false));
    try {
      return anyNew.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }
}
