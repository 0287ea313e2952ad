package dev.sparkembed.bench;

/** Decides whether a 200 reply's body is the one its request expects. Must be thread-safe. */
@FunctionalInterface
public interface ReplyCheck {
  boolean matches(String body);
}
