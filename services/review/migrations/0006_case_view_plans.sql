-- depends: 0002_review_tables
-- The plan each case's application was filed under (CaseOpened v4): the season-wide views (inbox
-- deadlines, dashboard, roster) show each case with its own plan, never review's ZC_PLAN. Rows
-- projected before carry the first plan, the one plan there was (contracts/upcasters.py); the
-- projection rewrites every row it touches with the case's own.
ALTER TABLE case_view
    ADD COLUMN IF NOT EXISTS plan_id      text NOT NULL DEFAULT 'zj-sx-2020-zgj',
    ADD COLUMN IF NOT EXISTS plan_version text NOT NULL DEFAULT '2020.1';
ALTER TABLE case_view ALTER COLUMN plan_id DROP DEFAULT, ALTER COLUMN plan_version DROP DEFAULT;
