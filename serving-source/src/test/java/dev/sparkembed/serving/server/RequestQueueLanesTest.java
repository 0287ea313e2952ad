package dev.sparkembed.serving.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Continuous lanes: a new request goes to the lane that owes the fewest answers, counting the
 * requests its reader took but has not answered yet.
 */
class RequestQueueLanesTest {
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final ConnectionResponder responder = new ConnectionResponder(channel, () -> {});
  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
  private final RequestQueue queue = new RequestQueue("q", "secret", 100, 60_000);
  private int slots;

  @AfterEach
  void close() {
    timer.shutdownNow();
    channel.finishAndReleaseAll();
  }

  @Test
  void takenButUnansweredRequestsKeepTheirLaneBusy() throws InterruptedException {
    queue.useLanes(2);
    offer();
    PendingRequest first = queue.take(0, 0);
    assertThat(first).isNotNull();

    // Lane 0's reader holds request 1 unanswered: request 2 goes to lane 1.
    offer();
    assertThat(queue.take(0, 0)).isNull();
    PendingRequest second = queue.take(1, 0);
    assertThat(second).isNotNull();

    // Request 1 answered, request 2 not: lane 0 is the idle one again.
    assertThat(queue.answer(first.seq(), HttpReply.json("{}")))
        .isEqualTo(RequestQueue.ReplyOutcome.SENT);
    offer();
    assertThat(queue.take(1, 0)).isNull();
    assertThat(queue.take(0, 0)).isNotNull();
  }

  @Test
  void requestsThatTimeOutOrLoseTheirClientFreeTheirLane() throws InterruptedException {
    queue.useLanes(2);
    offer();
    offer();
    PendingRequest a = queue.take(0, 0);
    PendingRequest b = queue.take(1, 0);
    queue.clientGone(a);
    queue.finishUpTo(b.seq(), "test");
    offer();
    offer();
    assertThat(queue.take(0, 0)).isNotNull();
    assertThat(queue.take(1, 0)).isNotNull();
  }

  private void offer() {
    RequestQueue.Admission admission =
        queue.offer(
            new RequestQueue.RequestBuilder() {
              @Override
              public PendingRequest build(long seq) {
                return new PendingRequest(
                    seq,
                    new PendingRequest.RequestData(
                        "POST", "/p", null, Map.of(), new byte[] {1}, System.nanoTime()),
                    new ResponseSlot(responder, slots++, true));
              }

              @Override
              public ScheduledFuture<?> scheduleTimeout(Runnable task, long delayMs) {
                return timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
              }
            });
    assertThat(admission).isEqualTo(RequestQueue.Admission.QUEUED);
  }
}
