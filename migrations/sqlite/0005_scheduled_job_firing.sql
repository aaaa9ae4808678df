-- When a claim got as far as firing a job (sqlite): an escalation level about to page, whose
-- next level was planned at that moment. A claim that runs out after it hands the job on with
-- this set, so the worker that fires it again plans nothing twice, and a firing level counts
-- as paged while it is in flight.

ALTER TABLE scheduled_jobs ADD COLUMN firing_at DATETIME;
