-- depends: 0001_event_store
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
-- Read model for deadline reminders: the reviewer each open case is waiting at (see domain/waiting.py).
-- Who must act on each open case, as review's events say it (CaseOpened, CaseMovedTo).
CREATE TABLE IF NOT EXISTS waiting_cases (
    application_id uuid PRIMARY KEY,
    level          text NOT NULL,  -- unit | construction_authority | hr_bureau | city_hr_bureau
    org_id         text NOT NULL,  -- who must act now
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Before review said who acts next, notify derived it from the unit and its area.
ALTER TABLE waiting_cases DROP COLUMN IF EXISTS unit_org, DROP COLUMN IF EXISTS area;
CREATE INDEX IF NOT EXISTS waiting_cases_by_org ON waiting_cases (org_id, level);
-- One row per reminder (recipient, deadline, days before): written in the transaction that plans
-- its delivery, so a rerun or a restart of the scheduler never plans a reminder twice.
CREATE TABLE IF NOT EXISTS reminders (
    event_id      uuid PRIMARY KEY,
    org_id        text NOT NULL,
    level         text NOT NULL,
    deadline      date NOT NULL,
    days_before   integer NOT NULL,
    waiting_cases integer NOT NULL,
    planned_on    date NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, deadline, days_before)
);
-- Dispatcher rounds (each round = the gateway's in-line retries); attempts counts provider requests.
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS rounds integer NOT NULL DEFAULT 0;
-- Planning order: rows are inserted in the order of the events that caused them (one consumer, one
-- partition per application, routing order within an event), so `seq` is that order. The dispatcher
-- sends a recipient's messages in seq order: a row waits while an earlier one to the same number is pending.
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS seq bigserial;
CREATE INDEX IF NOT EXISTS deliveries_pending_by_recipient ON deliveries (to_e164, seq) WHERE status = 'pending';
-- Events are pseudonymous: an applicant's row names the person_ref; name and phone are read from
-- personal_data (plumbing/personal_data.py) when a message is planned. Deliveries remember whose they
-- are, so an erasure can fail the pending ones and scrub the texts and numbers of the others.
ALTER TABLE contacts ADD COLUMN IF NOT EXISTS person_ref text NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS person_ref text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS deliveries_by_person ON deliveries (person_ref) WHERE person_ref <> '';
-- Events whose applicant's personal record has not arrived yet: planned again when it (or the
-- tombstone) arrives (usecases/planning.py). Pseudonymous: the envelope names person_ref only.
CREATE TABLE IF NOT EXISTS awaiting_personal_data (
    person_ref  text NOT NULL,
    event_id    uuid NOT NULL,
    envelope    jsonb NOT NULL,
    since       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_ref, event_id)
);
-- Applications notify has seen filed: an assessment or review event about any other waits for its
-- filing, then is dead-lettered (reactions/when_filed_remember_application.py). Ids only.
CREATE TABLE IF NOT EXISTS known_applications (
    application_id uuid PRIMARY KEY,
    filed_at       timestamptz NOT NULL DEFAULT now()
);
-- Current personal data of the people who filed, from intake's compacted topic (plumbing/core/personal_data.py).
CREATE TABLE IF NOT EXISTS personal_data (
    person_ref        text PRIMARY KEY,
    name              text NOT NULL,
    phone             text NOT NULL,
    id_number_masked  text NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- People whose personal data was erased (their tombstone was read): pseudonymous, nothing else.
CREATE TABLE IF NOT EXISTS erased_persons (
    person_ref  text PRIMARY KEY,
    erased_at   timestamptz NOT NULL DEFAULT now()
);
-- Notifications that failed, as NotificationFailed recorded them (written in the same transaction
-- as the event): GET /notifications and /reminders read them here, not from the events table.
CREATE TABLE IF NOT EXISTS notification_failures (
    seq                bigserial,
    notification_id    uuid PRIMARY KEY,
    application_id     uuid,
    caused_by_event_id uuid NOT NULL,
    template           text NOT NULL,
    recipient_masked   text NOT NULL,
    reason             text NOT NULL,
    recorded_at        timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS notification_failures_by_application ON notification_failures (application_id, seq);
CREATE INDEX IF NOT EXISTS notification_failures_by_cause ON notification_failures (caused_by_event_id);
