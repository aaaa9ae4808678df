-- Alert routes may resolve an incident on their own after its alerts have been quiet for a
-- while, as a scheduled job of kind 'auto-resolve' (postgres).

ALTER TABLE scheduled_jobs DROP CONSTRAINT scheduled_jobs_kind_check;
ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_kind_check
    CHECK (kind IN ('escalate', 'update-reminder', 'postmortem-due', 'digest', 'auto-resolve'));
