-- spark-embed + SQL Server 2025: fill a VECTOR(384) column with AI_GENERATE_EMBEDDINGS (one call
-- to the service per row), then search by meaning.
-- Not run here (no SQL Server in CI); written from Microsoft's documentation.
-- Needs 01-setup.sql and 02-external-models.sql.

-- AI_GENERATE_EMBEDDINGS returns the vector as a JSON array; VECTOR(384) converts from it.
UPDATE d
SET embedding = CAST(AI_GENERATE_EMBEDDINGS(d.body USE MODEL SparkEmbedOpenAI) AS VECTOR(384))
FROM dbo.documents AS d
WHERE d.embedding IS NULL;
GO

-- Search: the documents nearest in meaning to a question.
DECLARE @question VECTOR(384) =
    CAST(AI_GENERATE_EMBEDDINGS(N'Is it sunny?' USE MODEL SparkEmbedOpenAI) AS VECTOR(384));

SELECT TOP (3)
    d.id,
    d.body,
    VECTOR_DISTANCE('cosine', d.embedding, @question) AS cosine_distance
FROM dbo.documents AS d
WHERE d.embedding IS NOT NULL
ORDER BY cosine_distance;
GO
