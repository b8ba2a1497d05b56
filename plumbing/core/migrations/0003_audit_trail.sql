-- Issue 22 (auditors): the signed checkpoints of this log and the append-only log of personal-data
-- reads, in every service database. The login role gets SELECT and INSERT only on both
-- (plumbing/provision.py _grant).

-- Signed checkpoints of this log (plumbing/core/checkpoints.py), each also published to the audit
-- topic. The service reads the last one only to chain the next to it: the auditor trusts the topic.
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    seq         integer PRIMARY KEY,
    hash        text NOT NULL,
    record      jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Who read what personal data (plumbing/core/reads.py): one row per read, written before the
-- answer is sent, each also relayed to the audit topic. Append-only: no row is ever changed or
-- removed (the triggers refuse it even to the table's owner; with a separate login role, that
-- role gets INSERT and SELECT only).
CREATE TABLE IF NOT EXISTS personal_data_reads (
    id            bigserial PRIMARY KEY,
    read_at       timestamptz NOT NULL DEFAULT now(),
    account       text NOT NULL,
    role          text NOT NULL,
    organisation  text NOT NULL,
    route         text NOT NULL,
    what          text NOT NULL,
    subject       text NOT NULL,
    person_refs   text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS personal_data_reads_account ON personal_data_reads (account, read_at);
CREATE INDEX IF NOT EXISTS personal_data_reads_people ON personal_data_reads USING gin (person_refs);
CREATE OR REPLACE FUNCTION refuse_change_of_reads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'personal_data_reads is append-only' USING ERRCODE = 'insufficient_privilege'; END $$;
CREATE OR REPLACE TRIGGER personal_data_reads_append_only BEFORE UPDATE OR DELETE ON personal_data_reads
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_reads();
CREATE OR REPLACE TRIGGER personal_data_reads_never_truncated BEFORE TRUNCATE ON personal_data_reads
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_reads();
