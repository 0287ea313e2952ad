package dev.sparkembed.serving.sink;

/**
 * A reply row's request id (the source's {@code id} column): the server that holds the client's
 * connection ({@code host:port}), its queue's token, and the request's number in that queue.
 */
record RequestId(String server, String queue, long requestId) {}
