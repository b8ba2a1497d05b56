-- depends: 0001_event_store
-- Intake's own tables beside its event store.
-- Photos are stored once by content hash; events carry only the hash and the measurements.
CREATE TABLE IF NOT EXISTS photos (
    sha256  text PRIMARY KEY,
    data    bytea NOT NULL
);
-- Read model of returns decided by review (from its Returned events): what may be resubmitted.
CREATE TABLE IF NOT EXISTS open_returns (
    application_id   uuid PRIMARY KEY,
    return_event_id  uuid NOT NULL,
    revision         integer NOT NULL,
    level            text NOT NULL,
    reason           text NOT NULL,
    sections         jsonb NOT NULL DEFAULT '[]'
);
-- Read model of the achievement archive (from review's ArchiveEntry* events): what may be cited.
CREATE TABLE IF NOT EXISTS archive_entries (
    entry_id     text PRIMARY KEY,
    person_ref   text NOT NULL,
    unit_id      text NOT NULL,
    title        text NOT NULL,
    achieved_on  date NOT NULL,
    status       text NOT NULL DEFAULT 'pending'
);
CREATE INDEX IF NOT EXISTS archive_entries_person ON archive_entries (person_ref);
-- Read model of authorised units (from review's UnitAuthorized): only their staff may file (附件1 一.2).
CREATE TABLE IF NOT EXISTS authorised_units (
    unit_id        text PRIMARY KEY,
    unit_name      text NOT NULL,
    authorised_at  timestamptz NOT NULL DEFAULT now()
);
-- Per-person data keys (crypto-shredding, adapters/vault.py): AES-256 keys wrapped by the master
-- key from the environment. Erasing a person deletes their row; their sealed fields stay unreadable.
CREATE TABLE IF NOT EXISTS person_keys (
    person_ref   text PRIMARY KEY,
    wrapped_key  bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- Records for the compacted personal-data topic, written in the filing's (or erasure's)
-- transaction and deleted once Kafka acknowledged them (plumbing/personal_publisher.py). A NULL
-- record is a tombstone. Nothing personal stays here after publication.
CREATE TABLE IF NOT EXISTS personal_outbox (
    id          bigserial PRIMARY KEY,
    person_ref  text NOT NULL,
    record      jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- Uploaded documents (the photo and every attachment), per applicant: addressed by their SHA-256
-- within that applicant (never shared across applicants), sealed with the applicant's data key (so
-- erasure's crypto-shredding reaches them), cited by `ref`, a keyed hash (adapters/documents.py).
CREATE TABLE IF NOT EXISTS documents (
    person_ref    text NOT NULL,
    sha256        text NOT NULL,
    ref           text NOT NULL,
    kind          text NOT NULL,
    year          integer,
    content_type  text NOT NULL,
    size_bytes    integer NOT NULL,
    sealed        bytea NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_ref, sha256)
);
CREATE UNIQUE INDEX IF NOT EXISTS documents_ref ON documents (ref);
-- Drafts of the filing form: personal data, sealed like the documents, erased with the applicant,
-- gone after `expires_at` (the season's end).
CREATE TABLE IF NOT EXISTS drafts (
    person_ref  text PRIMARY KEY,
    sealed      bytea NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
-- Which applications each person filed, and their photos (written with each filing): an erasure
-- finds what to delete here, not by reading the events table around the upcasters. Pseudonymous.
CREATE TABLE IF NOT EXISTS person_filings (
    person_ref      text NOT NULL,
    application_id  uuid NOT NULL,
    photo           text NOT NULL DEFAULT '',   -- '' : no photo
    PRIMARY KEY (person_ref, application_id, photo)
);
