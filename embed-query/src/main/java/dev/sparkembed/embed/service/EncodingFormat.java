package dev.sparkembed.embed.service;

/** How OpenAI's format carries a vector: a JSON array of numbers, or base64 of float32 LE. */
public enum EncodingFormat {
  FLOAT,
  BASE64
}
