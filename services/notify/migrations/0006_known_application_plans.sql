-- depends: 0002_notify_tables
-- The plan each application's filing recorded (plan id and version): notify chooses an application's
-- texts and reminder deadlines by it, never by its own ZC_PLAN (usecases/planning.py). Rows written
-- before the filings carried a version are the first plan's, the one plan there was
-- (contracts/upcasters.py FIRST_PLAN_ID / FIRST_PLAN_VERSION).
ALTER TABLE known_applications
    ADD COLUMN IF NOT EXISTS plan_id      text NOT NULL DEFAULT 'zj-sx-2020-zgj',
    ADD COLUMN IF NOT EXISTS plan_version text NOT NULL DEFAULT '2020.1';
ALTER TABLE known_applications ALTER COLUMN plan_id DROP DEFAULT, ALTER COLUMN plan_version DROP DEFAULT;
