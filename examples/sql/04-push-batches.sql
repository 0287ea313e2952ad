-- spark-embed + SQL Server 2025: the push model. Walk dbo.documents in key order, send about 1 MB of
-- rows per call to POST /v1/embed/batch through sp_invoke_external_rest_endpoint, and store the
-- vectors. One HTTP call per batch instead of one per row; the service embeds a whole batch in one
-- model call.
-- Not run here (no SQL Server in CI); written from Microsoft's documentation.
-- Needs 01-setup.sql (credential and table).
--
-- Request body (what FOR JSON PATH produces):  [{"id":1,"text":"..."}, ...]
-- Answer (in @response, under $.result):         [{"id":1,"embedding":[0.01, ...]}, ...]
-- The service's body limit is --max-body-bytes (default 4 MiB, 413 above it) and its row limit
-- --max-texts-per-request (default 2048); 1 MB and 1000 rows stay well inside both.

SET NOCOUNT ON;

DECLARE @url            NVARCHAR(4000) = N'https://embed.example.com:8443/v1/embed/batch';
DECLARE @batch_bytes    BIGINT         = 1000000;  -- about 1 MB of text per call
DECLARE @batch_rows     INT            = 1000;     -- and never more rows than this
DECLARE @last_id        INT            = 0;
DECLARE @payload        NVARCHAR(MAX);
DECLARE @response       NVARCHAR(MAX);
DECLARE @ret            INT;
DECLARE @sent           INT;
DECLARE @stored         INT;
DECLARE @message        NVARCHAR(2048);

WHILE 1 = 1
BEGIN
    -- The next rows after @last_id that still need a vector, up to ~1 MB of text. The running
    -- total counts the rows before each one, so a single row larger than the budget still goes
    -- (alone) instead of stopping the walk.
    DROP TABLE IF EXISTS #next;
    SELECT TOP (@batch_rows)
        d.id,
        d.body,
        SUM(CAST(DATALENGTH(d.body) AS BIGINT) / 2)
            OVER (ORDER BY d.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS bytes_before
    INTO #next
    FROM dbo.documents AS d
    WHERE d.id > @last_id
      AND d.embedding IS NULL
    ORDER BY d.id;

    DELETE FROM #next WHERE bytes_before >= @batch_bytes;

    SET @sent = (SELECT COUNT(*) FROM #next);
    IF @sent = 0
        BREAK;

    SET @payload = (
        SELECT n.id AS [id], n.body AS [text]
        FROM #next AS n
        ORDER BY n.id
        FOR JSON PATH
    );

    EXEC @ret = sys.sp_invoke_external_rest_endpoint
        @url        = @url,
        @method     = 'POST',
        @headers    = N'{"Content-Type":"application/json"}',
        @payload    = @payload,
        @credential = [https://embed.example.com:8443],
        @timeout    = 230,
        @response   = @response OUTPUT;

    IF @ret <> 0
    BEGIN
        -- The service's error is in $.result.error.message (OpenAI's error envelope).
        SET @message = CONCAT(
            N'Embedding batch after id ', @last_id, N' failed (', @ret, N'): ',
            COALESCE(JSON_VALUE(@response, '$.result.error.message'), LEFT(@response, 1500)));
        THROW 50001, @message, 1;
    END;

    UPDATE d
    SET embedding = CAST(r.embedding AS VECTOR(384))
    FROM dbo.documents AS d
    JOIN OPENJSON(@response, '$.result')
         WITH (id INT '$.id', embedding NVARCHAR(MAX) '$.embedding' AS JSON) AS r
      ON r.id = d.id;
    SET @stored = @@ROWCOUNT;

    IF @stored <> @sent
    BEGIN
        SET @message = CONCAT(N'Sent ', @sent, N' rows after id ', @last_id,
                              N' but stored ', @stored, N' vectors');
        THROW 50002, @message, 1;
    END;

    SET @last_id = (SELECT MAX(id) FROM #next);
    PRINT CONCAT(N'Embedded ', @sent, N' rows, up to id ', @last_id);
END;

DROP TABLE IF EXISTS #next;
GO
