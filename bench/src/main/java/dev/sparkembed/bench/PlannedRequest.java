package dev.sparkembed.bench;

import java.nio.charset.StandardCharsets;

/**
 * One request a {@link Workload} hands out: the POST body and the check its reply must pass.
 * Immutable, so a workload may hand out the same instance many times.
 */
public record PlannedRequest(byte[] body, ReplyCheck check, String expectedReply) {

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
