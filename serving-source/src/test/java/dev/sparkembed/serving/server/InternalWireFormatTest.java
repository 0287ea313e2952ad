package dev.sparkembed.serving.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InternalWireFormatTest {

  @Test
  void requestsAndRepliesRoundTrip() {
    PendingRequest r =
        new PendingRequest(
            5,
            new PendingRequest.RequestData(
                "POST", "/p", null, Map.of("a", "b"), "body".getBytes(StandardCharsets.UTF_8), 0),
            null);
    List<InternalWireFormat.WireRequest> back =
        InternalWireFormat.decodeRequests(InternalWireFormat.encodeRequests(List.of(r)));
    assertThat(back).hasSize(1);
    assertThat(back.get(0).seq()).isEqualTo(5);
    assertThat(back.get(0).data().query()).isNull();
    assertThat(back.get(0).data().headers()).containsEntry("a", "b");
    assertThat(back.get(0).data().body()).asString(StandardCharsets.UTF_8).isEqualTo("body");

    InternalWireFormat.WireReply reply =
        new InternalWireFormat.WireReply("q", 9, HttpReply.error(500, "x\"y"));
    List<InternalWireFormat.WireReply> replies =
        InternalWireFormat.decodeReplies(InternalWireFormat.encodeReplies(List.of(reply)));
    assertThat(replies.get(0).queue()).isEqualTo("q");
    assertThat(replies.get(0).reply().status()).isEqualTo(500);
    assertThat(replies.get(0).reply().body())
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("{\"error\":\"x\\\"y\"}");
  }
}
