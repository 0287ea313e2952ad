-- spark-embed + SQL Server 2025: one-time setup.
-- Not run here (no SQL Server in CI); written from Microsoft's documentation.
-- Replace embed.example.com:8443 with the service's host:port, and <API-KEY> with the key the
-- service was started with (--api-key or SPARK_EMBED_API_KEY).

-- 1. Allow the database to call REST endpoints (AI_GENERATE_EMBEDDINGS and
--    sp_invoke_external_rest_endpoint both need it; Azure SQL Database has it on already).
EXECUTE sp_configure 'external rest endpoint enabled', 1;
RECONFIGURE WITH OVERRIDE;
GO

-- 2. A database master key protects the credential's secret.
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'<A-STRONG-PASSWORD>';
GO

-- 3. The API key, sent as an HTTP header on every call. The credential's name is the URL prefix
--    of the service: SQL Server matches it against the URLs it calls.
IF EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = 'https://embed.example.com:8443')
    DROP DATABASE SCOPED CREDENTIAL [https://embed.example.com:8443];
CREATE DATABASE SCOPED CREDENTIAL [https://embed.example.com:8443]
    WITH IDENTITY = 'HTTPEndpointHeaders',
         SECRET = '{"api-key":"<API-KEY>"}';
GO

-- 4. A sample table: text in, a 384-dimension vector (all-MiniLM-L6-v2) out.
IF OBJECT_ID('dbo.documents') IS NULL
    CREATE TABLE dbo.documents (
        id        INT           NOT NULL PRIMARY KEY,
        body      NVARCHAR(MAX) NOT NULL,
        embedding VECTOR(384)   NULL
    );
GO

INSERT INTO dbo.documents (id, body)
SELECT v.id, v.body
FROM (VALUES
        (1, N'The weather is lovely today.'),
        (2, N'It''s so sunny outside!'),
        (3, N'He drove to the stadium.'),
        (4, N'A man is playing a guitar.')
     ) AS v(id, body)
WHERE NOT EXISTS (SELECT 1 FROM dbo.documents d WHERE d.id = v.id);
GO
