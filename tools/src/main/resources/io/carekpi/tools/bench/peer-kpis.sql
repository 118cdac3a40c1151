-- The Flink SQL peer of CareKPI (benchmark part `peer`, PeerSql): a representative subset of its
-- KPIs written as a Flink SQL user would. Input: the view `events` (eventId, conversationId,
-- channel, type, occurredAtMs; ts = occurredAt, the event-time attribute with its watermark;
-- pt = processing time), made by PeerSql from the decoded input. Statements end with ';' at the
-- end of a line; the last one is the query.
--
-- Where it differs from the SPEC (PeerSqlTest compares only traffic where both agree):
-- * memory: a conversation is forgotten by the state TTL (table.exec.state.ttl, 30 days), which
--   counts processing time since the state was last touched, not event time since the
--   conversation's last event; a replay of history never forgets, a live job forgets by the clock;
-- * lateness: a row behind the watermark is dropped by the OVER and TUMBLE operators, neither
--   counted nor sent to a late output;
-- * duplicates: the first copy to reach the dedup operator wins (by processing time), not the
--   first in input order; only conflicting copies (same eventId, other content) can tell;
-- * ties: events of a conversation at the same millisecond are in the OVER operator's order
--   (arrival in STREAMING, the sort's in BATCH), not necessarily arrival order.

-- 1. Duplicates: the first copy of an eventId in its conversation wins. Surveys, article reads and
--    unknown types are no part of the subset (a survey never opens a conversation).
CREATE TEMPORARY VIEW unique_events AS
SELECT eventId, conversationId, channel, type, occurredAtMs, ts
FROM (
  SELECT *,
    ROW_NUMBER() OVER (PARTITION BY conversationId, eventId ORDER BY pt ASC) AS copy
  FROM events
  WHERE type NOT IN ('SURVEY_RESPONSE', 'ARTICLE_VIEWED', 'UNKNOWN'))
WHERE copy = 1;

-- 2. Each conversation's events in event-time order, with what is known at each of them: the
--    conversation's channel (its first known one), its opening, the start of the customer's first
--    wait, and how many agent messages it has had so far.
CREATE TEMPORARY VIEW conversation_steps AS
SELECT conversationId, type, occurredAtMs, ts,
  FIRST_VALUE(channel) OVER w AS conversation_channel,
  COUNT(*) OVER w AS step,
  MIN(occurredAtMs) OVER w AS opened_ms,
  MIN(CASE WHEN type IN ('CONVERSATION_OPENED', 'CUSTOMER_MESSAGE') THEN occurredAtMs END) OVER w
    AS wait_start_ms,
  SUM(CASE WHEN type = 'AGENT_MESSAGE' THEN 1 ELSE 0 END) OVER w AS agent_messages
FROM unique_events
WINDOW w AS (PARTITION BY conversationId ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW);

-- 3. Facts at their own instants: the opening (the first event), the first response (the first
--    agent message, if a customer-side event came before it) and each resolution.
CREATE TEMPORARY VIEW facts AS
SELECT COALESCE(conversation_channel, 'UNKNOWN') AS channel, ts,
  CASE WHEN step = 1 THEN 1 ELSE 0 END AS opened,
  CASE WHEN type = 'AGENT_MESSAGE' AND agent_messages = 1 THEN occurredAtMs - wait_start_ms END AS frt_ms,
  CASE WHEN type = 'RESOLVED' THEN occurredAtMs - opened_ms END AS resolution_ms
FROM conversation_steps
WHERE step = 1 OR type = 'RESOLVED'
  OR (type = 'AGENT_MESSAGE' AND agent_messages = 1 AND wait_start_ms IS NOT NULL);

-- 4. Hourly and daily counts per channel and for all channels (channel 'all').
SELECT '1h' AS window_size, window_start, COALESCE(channel, 'all') AS channel,
  SUM(opened) AS opened,
  COUNT(frt_ms) AS first_responses, SUM(frt_ms) AS frt_sum_ms, MAX(frt_ms) AS frt_max_ms,
  COUNT(resolution_ms) AS resolved, SUM(resolution_ms) AS resolution_sum_ms
FROM TABLE(TUMBLE(TABLE facts, DESCRIPTOR(ts), INTERVAL '1' HOUR))
GROUP BY window_start, window_end, GROUPING SETS ((channel), ())
UNION ALL
SELECT '1d' AS window_size, window_start, COALESCE(channel, 'all') AS channel,
  SUM(opened) AS opened,
  COUNT(frt_ms) AS first_responses, SUM(frt_ms) AS frt_sum_ms, MAX(frt_ms) AS frt_max_ms,
  COUNT(resolution_ms) AS resolved, SUM(resolution_ms) AS resolution_sum_ms
FROM TABLE(TUMBLE(TABLE facts, DESCRIPTOR(ts), INTERVAL '1' DAY))
GROUP BY window_start, window_end, GROUPING SETS ((channel), ());
