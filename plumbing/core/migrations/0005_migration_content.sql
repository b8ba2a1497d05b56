-- What each applied migration said: yoyo records a migration's id only (its "hash" is one of the
-- id), so a file changed after it was applied would go unnoticed. The set-up step
-- (plumbing/provision.py) records the sha256 of every migration file it finds applied; a service
-- compares them with the files it ships and refuses to start on a difference (plumbing/db.py).
-- Written by the owner role only; the login role may read it (the start-up check).
CREATE TABLE IF NOT EXISTS zc_migration_content (
    migration_id  text PRIMARY KEY,
    sha256        text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
