-- Two more kinds of scheduled job (postgres): 'auto-resolve', an alert route resolving an
-- incident once its alerts have been quiet for a while, and 'handoff', announcing who takes
-- over an on-call schedule.

ALTER TABLE scheduled_jobs DROP CONSTRAINT scheduled_jobs_kind_check;
ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_kind_check
    CHECK (kind IN ('escalate', 'update-reminder', 'postmortem-due', 'digest', 'auto-resolve', 'handoff'));
