-- One event store per service database: the first migration of every service (plumbing/provision.py).
CREATE TABLE IF NOT EXISTS events (
    position        bigserial NOT NULL,
    -- The writing transaction: readers follow (tx_id, position) and stop below the oldest
    -- transaction still running, so a late commit is never skipped (see ARCHITECTURE.md).
    tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid NOT NULL UNIQUE,
    stream_id       text NOT NULL,
    stream_version  integer NOT NULL CHECK (stream_version >= 1),
    event_type      text NOT NULL,
    schema_version  integer NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    actor           jsonb NOT NULL,
    correlation_id  uuid NOT NULL,
    causation_id    uuid,
    payload         jsonb NOT NULL,
    prev_hash       text NOT NULL,
    hash            text NOT NULL,
    PRIMARY KEY (stream_id, stream_version)
);
CREATE INDEX IF NOT EXISTS events_global_order ON events (tx_id, position);

-- The transactional outbox: written in the same transaction as the events (or the dead letter).
CREATE TABLE IF NOT EXISTS outbox (
    id            bigserial PRIMARY KEY,
    event_id      uuid REFERENCES events (event_id),
    topic         text NOT NULL,
    key           text NOT NULL,
    raw           jsonb,            -- dead letters: the undecodable message and its error
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
-- A row Kafka refuses for good (too large, invalid) is parked by the relay with its error, and
-- later rows with the same topic and key wait behind it, so per-application order holds. An
-- operator retries it (parked_at back to NULL) or discards it (`zc outbox`); nothing is deleted.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS parked_at timestamptz;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS park_error text;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS discarded_at timestamptz;
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS discarded_by text;
-- A row that is neither an event nor a dead letter (the analysts' feed, contracts/analytics.py)
-- carries its message in `raw` and its Kafka headers here; dead letters have none.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS headers jsonb;
DROP INDEX IF EXISTS outbox_pending;
CREATE INDEX IF NOT EXISTS outbox_ready ON outbox (id) WHERE published_at IS NULL AND parked_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_blocking ON outbox (topic, key, id)
    WHERE parked_at IS NOT NULL AND discarded_at IS NULL AND published_at IS NULL;
-- Wake the relay at commit of any transaction that queued rows (LISTEN outbox).
CREATE OR REPLACE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('outbox', ''); RETURN NULL; END $$;
CREATE OR REPLACE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();

-- Consumers' inbox: one row per processed event, written in the consumer's transaction.
CREATE TABLE IF NOT EXISTS inbox (
    consumer      text NOT NULL,
    event_id      uuid NOT NULL,
    topic         text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset  bigint NOT NULL,
    status        text NOT NULL DEFAULT 'processed',  -- processed | dead_letter
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- Projections' and tailing readers' progress through the global order.
CREATE TABLE IF NOT EXISTS checkpoints (
    name      text PRIMARY KEY,
    tx_id     xid8 NOT NULL,
    position  bigint NOT NULL
);

-- Idempotency-Key of HTTP commands: the first answer, stored in the command's transaction.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key          text PRIMARY KEY,
    request_sha  text NOT NULL,
    status       integer,
    body         jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Records a consumer could not apply after its retries (a bug, an outage longer than the retries),
-- kept whole with where they came from (a compacted topic may no longer hold that offset), their
-- inbox row released; later records of the same key wait here behind them, in order, so a re-drive
-- never applies them out of order. `zc deadletters` lists, shows and re-drives them.
CREATE TABLE IF NOT EXISTS parked_records (
    id               bigserial PRIMARY KEY,
    consumer         text NOT NULL,
    topic            text NOT NULL,
    kafka_partition  integer NOT NULL,
    kafka_offset     bigint NOT NULL,
    key              bytea,
    value            bytea,
    event_id         uuid NOT NULL,
    event_type       text NOT NULL,
    error            text NOT NULL,
    behind           bigint,          -- parked only because this earlier record of its key is
    status           text NOT NULL DEFAULT 'parked',  -- parked | redrive (asked for) | redriven | dead_letter
    attempts         integer NOT NULL DEFAULT 0,      -- re-drives tried
    parked_at        timestamptz NOT NULL DEFAULT now(),
    redriven_at      timestamptz,
    outcome          text             -- what the last re-drive did
);
CREATE UNIQUE INDEX IF NOT EXISTS parked_records_once ON parked_records (consumer, event_id)
    WHERE status IN ('parked', 'redrive');
CREATE INDEX IF NOT EXISTS parked_records_key ON parked_records (consumer, key, id)
    WHERE status IN ('parked', 'redrive');
