-- The span an event was appended in (W3C traceparent), stored with its outbox row: the relay's
-- producer span continues it, so one filing's trace is unbroken across Kafka (plumbing/tracing.py).
-- NULL when tracing is off, and for rows that are not events.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS traceparent text;
