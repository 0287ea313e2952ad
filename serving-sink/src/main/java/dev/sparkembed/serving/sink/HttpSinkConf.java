package dev.sparkembed.serving.sink;

import dev.sparkembed.serving.conf.HttpServerOptions;
import dev.sparkembed.serving.conf.HttpSourceConf;
import dev.sparkembed.serving.conf.ServingErrors;
import java.util.Map;

/**
 * The sink's options, parsed and checked once at query start (the sink's counterpart of {@link
 * HttpSourceConf}): {@code replyTo}, the API path of the query's {@code httpserver} source, and
 * optionally the source's {@code secret} for forwarding replies when the sink runs in another
 * query. Driver.
 *
 * @param replyTo the source's API path
 * @param secret the internal endpoints' secret, or null to learn it from the source
 */
public record HttpSinkConf(String replyTo, String secret) {

  /**
   * Parses the sink's options (a case-insensitive map, as Spark hands them over).
   *
   * @throws IllegalArgumentException naming the missing or bad option
   */
  public static HttpSinkConf parse(Map<String, String> options) {
    String replyTo = options.get(HttpServerOptions.REPLY_TO);
    if (replyTo == null || replyTo.isBlank()) {
      throw ServingErrors.missingOption(
          HttpServerOptions.REPLY_TO, "the API path of the httpserver source, such as /embed");
    }
    return new HttpSinkConf(
        HttpSourceConf.validPath(HttpServerOptions.REPLY_TO, replyTo),
        options.get(HttpServerOptions.SECRET));
  }

  /** Leaves the secret out. */
  @Override
  public String toString() {
    return "HttpSinkConf[replyTo=" + replyTo + "]";
  }
}
