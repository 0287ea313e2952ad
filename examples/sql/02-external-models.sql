-- spark-embed + SQL Server 2025: the service as an EXTERNAL MODEL, in each API format SQL Server
-- offers. Any one of them is enough; they differ only in the path and the JSON shapes.
-- Not run here (no SQL Server in CI); written from Microsoft's documentation.
-- MODEL is sent in the request body; the service serves one model and answers with its own name
-- whatever is sent, so any name works.

-- OpenAI format: POST /v1/embeddings
IF EXISTS (SELECT 1 FROM sys.external_models WHERE name = 'SparkEmbedOpenAI')
    DROP EXTERNAL MODEL SparkEmbedOpenAI;
CREATE EXTERNAL MODEL SparkEmbedOpenAI
WITH (
    LOCATION   = 'https://embed.example.com:8443/v1/embeddings',
    API_FORMAT = 'OpenAI',
    MODEL_TYPE = EMBEDDINGS,
    MODEL      = 'all-MiniLM-L6-v2',
    CREDENTIAL = [https://embed.example.com:8443],
    -- Merged into the request body. The service ignores fields it does not know (such as
    -- sql_rest_options) and accepts "dimensions" only when it equals the model's (384).
    PARAMETERS = '{"sql_rest_options":{"retry_count":2}}'
);
GO

-- Azure OpenAI format: POST /openai/deployments/{deployment}/embeddings?api-version=...
-- Any deployment name and api-version are accepted.
IF EXISTS (SELECT 1 FROM sys.external_models WHERE name = 'SparkEmbedAzure')
    DROP EXTERNAL MODEL SparkEmbedAzure;
CREATE EXTERNAL MODEL SparkEmbedAzure
WITH (
    LOCATION   = 'https://embed.example.com:8443/openai/deployments/minilm/embeddings?api-version=2024-02-01',
    API_FORMAT = 'Azure OpenAI',
    MODEL_TYPE = EMBEDDINGS,
    MODEL      = 'minilm',
    CREDENTIAL = [https://embed.example.com:8443]
);
GO

-- Ollama format: POST /api/embed
IF EXISTS (SELECT 1 FROM sys.external_models WHERE name = 'SparkEmbedOllama')
    DROP EXTERNAL MODEL SparkEmbedOllama;
CREATE EXTERNAL MODEL SparkEmbedOllama
WITH (
    LOCATION   = 'https://embed.example.com:8443/api/embed',
    API_FORMAT = 'Ollama',
    MODEL_TYPE = EMBEDDINGS,
    MODEL      = 'all-minilm',
    CREDENTIAL = [https://embed.example.com:8443]
);
GO

-- Quick check: each returns a JSON array of 384 numbers.
SELECT AI_GENERATE_EMBEDDINGS(N'hello from SQL Server' USE MODEL SparkEmbedOpenAI) AS openai_format;
SELECT AI_GENERATE_EMBEDDINGS(N'hello from SQL Server' USE MODEL SparkEmbedAzure)  AS azure_format;
SELECT AI_GENERATE_EMBEDDINGS(N'hello from SQL Server' USE MODEL SparkEmbedOllama) AS ollama_format;
GO
