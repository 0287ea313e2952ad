package dev.sparkembed.serving.server;

import java.util.Map;

/**
 * One whole request to a path that a {@link ServerExtension} handles itself ({@link
 * ServerExtension#handledPaths}): the body is complete and within the extension's limit.
 *
 * @param headers lower-case names
 * @param query the raw query string, or null
 */
public record ExtensionRequest(
    String method, String path, String query, Map<String, String> headers, byte[] body) {}
