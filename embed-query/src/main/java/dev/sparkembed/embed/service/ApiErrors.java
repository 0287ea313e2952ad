package dev.sparkembed.embed.service;

import java.util.Locale;

/**
 * Builds every error of the embedding service, those sent to HTTP clients and those for bad {@code
 * serve} options: one place for the wording, so each message says what was wrong, the bad value,
 * and what was expected. Runs wherever a request is parsed or answered (driver or executor).
 */
public final class ApiErrors {
  static final String INVALID_REQUEST = "invalid_request_error";
  static final String SERVER_ERROR = "server_error";

  private ApiErrors() {}

  public static ApiException malformedJson(String detail) {
    return bad("Request body is not valid JSON: " + detail, null, null);
  }

  public static ApiException bodyNotA(String expected, String found) {
    return bad("Request body must be a JSON " + expected + ", got " + found, null, null);
  }

  public static ApiException missingField(String field) {
    return bad("Missing required field '" + field + "'", field, null);
  }

  public static ApiException wrongType(String field, String expected, String found) {
    return bad(
        "Field '" + field + "' must be " + expected + ", got " + found, field, "invalid_type");
  }

  public static ApiException tokenArrays(String field) {
    return bad(
        "Field '"
            + field
            + "' holds token ids: this service embeds text only, send a string or an array of"
            + " strings",
        field,
        "token_input_unsupported");
  }

  public static ApiException emptyInput(String field) {
    return bad("Field '" + field + "' is an empty array (expected at least one text)", field, null);
  }

  public static ApiException tooManyTexts(String field, int count, int limit) {
    return bad(
        "Too many texts in '"
            + field
            + "': "
            + count
            + " (limit "
            + limit
            + " per request, option --max-texts-per-request)",
        field,
        "too_many_inputs");
  }

  public static ApiException textTooLong(String field, int index, int chars, int limit) {
    return bad(
        "Text "
            + index
            + " in '"
            + field
            + "' has "
            + chars
            + " characters (limit "
            + limit
            + ", option --max-chars-per-text)",
        field,
        "input_too_long");
  }

  public static ApiException bodyTooLarge(long bytes, long limit) {
    return new ApiException(
        413,
        INVALID_REQUEST,
        "Request body of "
            + bytes
            + " bytes exceeds the limit of "
            + limit
            + " bytes (option --max-body-bytes)",
        null,
        "body_too_large");
  }

  public static ApiException encodingFormat(String value) {
    return bad(
        "Field 'encoding_format' must be 'float' or 'base64', got '" + value + "'",
        "encoding_format",
        null);
  }

  public static ApiException dimensions(long requested, int modelDimension, String modelName) {
    return bad(
        "Field 'dimensions' is "
            + requested
            + " but model '"
            + modelName
            + "' gives "
            + modelDimension
            + " dimensions (omit 'dimensions' or send "
            + modelDimension
            + ")",
        "dimensions",
        "unsupported_dimensions");
  }

  /** Ollama's own wording first (clients match on it), then which input and the model's limit. */
  public static ApiException contextLengthExceeded(int index, int maxTokens) {
    return bad(
        String.format(
            Locale.ROOT,
            "the input length exceeds the context length (input %d is longer than the model's %d"
                + " tokens; send \"truncate\": true to cut it)",
            index,
            maxTokens),
        "input",
        "context_length_exceeded");
  }

  public static ApiException batchRow(int row, String problem) {
    return bad("Row " + row + " of the batch " + problem, null, null);
  }

  /** An error the HTTP server answers itself (404, 405, 408, 413, 503), in OpenAI's fields. */
  public static ApiException serverLevel(int status, String message) {
    String code =
        switch (status) {
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          case 408 -> "request_timeout";
          case 413 -> "request_too_large";
          case 503 -> "service_unavailable";
          default -> null;
        };
    return new ApiException(
        status, status >= 500 ? SERVER_ERROR : INVALID_REQUEST, message, null, code);
  }

  public static ApiException unauthorized() {
    return new ApiException(
        401,
        INVALID_REQUEST,
        "Missing or wrong API key: send 'Authorization: Bearer <key>' or 'api-key: <key>'",
        null,
        "invalid_api_key");
  }

  public static ApiException notFound(String method, String path) {
    return new ApiException(
        404, INVALID_REQUEST, "No endpoint " + method + " " + path, null, "not_found");
  }

  public static ApiException modelNotLoaded(String path) {
    return new ApiException(
        503,
        SERVER_ERROR,
        "The model is still loading: " + path + " answers once it is ready (see /readyz)",
        null,
        "model_not_ready");
  }

  public static ApiException embeddingFailed(Throwable cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new ApiException(500, SERVER_ERROR, "Embedding failed: " + why, null, null);
  }

  /** Two options that only make sense together, given one without the other. */
  public static IllegalArgumentException optionsGoTogether(String given, String missing) {
    return new IllegalArgumentException(
        "Option '--" + given + "' needs '--" + missing + "' too (HTTPS takes both)");
  }

  private static ApiException bad(String message, String param, String code) {
    return new ApiException(400, INVALID_REQUEST, message, param, code);
  }
}
