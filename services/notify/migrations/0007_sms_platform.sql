-- depends: 0002_notify_tables
-- A real SMS platform's shape (services/notify/domain/provider.py): each delivery is sent as a
-- template code + named parameters with its dedup key as OutId; the platform's message id is kept;
-- a send without an answer is settled by the platform's status query, never by sending again.
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS template_code text NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS params jsonb NOT NULL DEFAULT '{}';  -- names the person: scrubbed on erasure
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS provider_message_id text;
-- status: pending | sending (a request in flight, written before it leaves) | checking (no answer:
-- the status query decides) | sent | failed | unknown (not listed within the bound: an operator decides)
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS send_started_at timestamptz;  -- when the unanswered try left
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS failures_listed integer NOT NULL DEFAULT 0;  -- tries the platform listed as failed
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS resent_by text;  -- the operator whose `zc sms resend` sent an unknown one again
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS resent_at timestamptz;
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_by_notification ON deliveries (notification_id);
CREATE INDEX IF NOT EXISTS deliveries_unsettled ON deliveries (next_attempt_at) WHERE status IN ('sending', 'checking');
-- The order per number waits on every delivery not yet settled, not only on pending ones.
CREATE INDEX IF NOT EXISTS deliveries_open_by_recipient ON deliveries (to_e164, seq)
    WHERE status IN ('pending', 'sending', 'checking');
