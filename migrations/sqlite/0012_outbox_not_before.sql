-- Letters that must not go out before a moment (sqlite).
--
-- An incident card redrawn because alerts changed it waits a few seconds, so a storm of alerts
-- edits the card at most once in that gap. While it waits it keeps its coalescing key, so every
-- redraw asked for in the gap is this one letter. The lane's order holds: the letters behind
-- it wait behind it. A letter whose sender died is sent again when its lease runs out,
-- whatever this says. NULL (every older letter, and every letter but those redraws) means at
-- once. The moment is in the database, so the gap holds across replicas and restarts.

ALTER TABLE outbox ADD COLUMN not_before DATETIME;
