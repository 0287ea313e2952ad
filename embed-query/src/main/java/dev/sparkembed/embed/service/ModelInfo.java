package dev.sparkembed.embed.service;

import java.io.Serializable;

/**
 * What the wire formats say about the served model: its name, vector size and context length. Small
 * and serializable; built on whichever JVM loaded the model.
 *
 * @param name the name answered in {@code model} fields and listed by {@code /v1/models}
 * @param dimension the length of every vector
 * @param maxSequenceLength the model's context length in tokens, special tokens included
 */
public record ModelInfo(String name, int dimension, int maxSequenceLength)
    implements Serializable {}
