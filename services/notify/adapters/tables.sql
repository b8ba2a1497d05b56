-- notify's directory of contacts, built from events (applications, assessments, unit authorisations).
CREATE TABLE IF NOT EXISTS contacts (
    kind   text NOT NULL,
    ref    text NOT NULL,
    name   text NOT NULL,
    phone  text,
    rank   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, ref)
);
-- The SMS outbox: one row per (event, template, recipient), written in the consumer's transaction.
-- The dispatcher sends pending rows with their dedup_key and records the result as an event.
CREATE TABLE IF NOT EXISTS deliveries (
    dedup_key          text PRIMARY KEY,
    notification_id    uuid NOT NULL,
    application_id     uuid,
    template           text NOT NULL,
    to_e164            text NOT NULL,
    recipient_masked   text NOT NULL,
    text               text NOT NULL,
    caused_by_event_id uuid NOT NULL,
    correlation_id     uuid NOT NULL,
    status             text NOT NULL DEFAULT 'pending',   -- pending | sent | failed
    attempts           integer NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz NOT NULL DEFAULT now(),
    last_error         text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    sent_at            timestamptz
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_by_recipient ON deliveries (to_e164, sent_at) WHERE status = 'sent';
-- The default gateway's record of every SMS "sent" (no provider configured). Keyed by dedup_key,
-- so the same key never records a second message.
CREATE TABLE IF NOT EXISTS sms_log (
    dedup_key  text PRIMARY KEY,
    to_e164    text NOT NULL,
    text       text NOT NULL,
    sent_at    timestamptz NOT NULL DEFAULT now()
);
