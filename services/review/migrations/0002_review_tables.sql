-- depends: 0001_event_store
-- Read model of review cases (projection of case-* streams): one row per application.
CREATE TABLE IF NOT EXISTS case_view (
    application_id   uuid PRIMARY KEY,
    stream_version   integer NOT NULL,
    revision         integer NOT NULL,
    stage            text NOT NULL,
    level            text,
    outcome          text NOT NULL,
    applicant_name   text NOT NULL,
    person_ref       text NOT NULL,
    unit_id          text NOT NULL,
    unit_name        text NOT NULL,
    area             text NOT NULL,
    route            text NOT NULL,
    specialty        text NOT NULL,
    interview_required boolean NOT NULL,
    notice_ends_on   date,
    fee_requested    boolean NOT NULL DEFAULT false,
    fee_paid         boolean NOT NULL DEFAULT false,
    submitted_at     timestamptz,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS case_view_unit ON case_view (unit_id, stage);
-- The organisation acting at the unit level: the unit itself, or the talent exchange centre for a
-- private firm whose personnel files it keeps (附件2 二(三)). NULL on rows projected before it existed.
ALTER TABLE case_view ADD COLUMN IF NOT EXISTS unit_org text;
CREATE INDEX IF NOT EXISTS case_view_unit_org ON case_view (unit_org, stage);
CREATE INDEX IF NOT EXISTS case_view_area ON case_view (area, stage);
-- Read model of achievement-archive entries (projection of archive-* streams).
CREATE TABLE IF NOT EXISTS archive_view (
    entry_id     text PRIMARY KEY,
    person_ref   text NOT NULL,
    unit_id      text NOT NULL,
    title        text NOT NULL,
    achieved_on  date NOT NULL,
    status       text NOT NULL,   -- pending | approved | rejected
    note         text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS archive_view_unit ON archive_view (unit_id, status);
-- Applications review has seen filed (from the applications topic): an assessment of an
-- application not in here (and without a case) waits for it, then is dead-lettered (plumbing/references.py).
CREATE TABLE IF NOT EXISTS known_applications (
    application_id uuid PRIMARY KEY,
    revision       integer NOT NULL,
    seen_at        timestamptz NOT NULL DEFAULT now()
);
-- What the analysts' feed needs from an application's newest assessment (usecases/feed.py): the
-- plan it was assessed under and the codes of the rules it fails. Codes only, nothing personal.
CREATE TABLE IF NOT EXISTS feed_context (
    application_id uuid PRIMARY KEY,
    revision       integer NOT NULL,
    plan_id        text NOT NULL,
    plan_version   text NOT NULL,
    failing_rules  text[] NOT NULL
);
-- The staff directory: who an account id is (the token issuer's `name` claim), for pages, exports
-- and the case timeline. Events record only role, organisation and account id; names live here and
-- are erasable (`POST /staff/{uid}/erasure`): an erased row keeps its account id and nothing else.
CREATE TABLE IF NOT EXISTS staff_directory (
    uid          text PRIMARY KEY,
    role         text NOT NULL,
    organisation text NOT NULL DEFAULT '',
    name         text NOT NULL DEFAULT '',
    erased_at    timestamptz,
    erased_by    text NOT NULL DEFAULT ''
);
-- Records for the compacted personal-data topic, written in the transaction of the fact they follow
-- (a filing, an authorization, an erasure) and deleted once Kafka acknowledged them
-- (plumbing/core/personal_publisher.py). A NULL record is a tombstone. Nothing personal stays here after
-- publication.
CREATE TABLE IF NOT EXISTS personal_outbox (
    id          bigserial PRIMARY KEY,
    person_ref  text NOT NULL,
    record      jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
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
