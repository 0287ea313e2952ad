package dev.sparkembed.embed.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One parsed embedding request, whatever its wire format: the texts in the client's order and the
 * options that shape the answer. Lives only inside one partition's processing (executor).
 *
 * @param format the endpoint it came in on
 * @param texts the texts to embed, in order
 * @param ids the batch endpoint's row ids (one per text), {@code null} for the other formats
 * @param encoding OpenAI's {@code encoding_format}
 * @param truncate Ollama's {@code truncate}: when false, a text longer than the model's context is
 *     an error instead of being cut
 * @param requestedModel the {@code model} the client sent, or {@code null}
 */
public record EmbedRequest(
    ApiFormat format,
    List<String> texts,
    List<JsonNode> ids,
    EncodingFormat encoding,
    boolean truncate,
    String requestedModel) {}
