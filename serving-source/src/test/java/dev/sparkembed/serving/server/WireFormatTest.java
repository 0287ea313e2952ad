package dev.sparkembed.serving.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void requestsAndRepliesRoundTrip() {
    PendingRequest r =
        new PendingRequest(
            5,
            new PendingRequest.RequestData(
                "POST", "/p", null, Map.of("a", "b"), "body".getBytes(StandardCharsets.UTF_8), 0),
            null);
    List<WireFormat.WireRequest> back =
        WireFormat.decodeRequests(WireFormat.encodeRequests(List.of(r)));
    assertThat(back).hasSize(1);
    assertThat(back.get(0).seq()).isEqualTo(5);
    assertThat(back.get(0).data().query()).isNull();
    assertThat(back.get(0).data().headers()).containsEntry("a", "b");
    assertThat(back.get(0).data().body()).asString(StandardCharsets.UTF_8).isEqualTo("body");

    WireFormat.WireReply reply = new WireFormat.WireReply("q", 9, HttpReply.error(500, "x\"y"));
    List<WireFormat.WireReply> replies =
        WireFormat.decodeReplies(WireFormat.encodeReplies(List.of(reply)));
    assertThat(replies.get(0).queue()).isEqualTo("q");
    assertThat(replies.get(0).reply().status()).isEqualTo(500);
    assertThat(replies.get(0).reply().body())
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("{\"error\":\"x\\\"y\"}");
  }
}
