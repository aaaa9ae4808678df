//! SQL text shared by both backends.

/// The incident columns, in the order [`super::rows::IncidentRow`] reads them.
macro_rules! incident_columns {
    () => {
        "id, platform, workspace, channel, title, severity, status, lead, declared_by, \
         declared_at, acknowledged_by, acknowledged_at, resolved_at, summary, version"
    };
}

pub const INSERT_INCIDENT: &str = concat!(
    "INSERT INTO incidents (platform, workspace, channel, title, severity, status, declared_by, declared_at) \
     VALUES ($1, $2, $3, $4, $5, 'investigating', $6, $7) RETURNING ",
    incident_columns!()
);

pub const UPDATE_INCIDENT: &str = concat!(
    "UPDATE incidents SET title = $1, severity = $2, status = $3, lead = $4, acknowledged_by = $5, \
     acknowledged_at = $6, resolved_at = $7, summary = $8, version = version + 1 \
     WHERE id = $9 AND version = $10 RETURNING ",
    incident_columns!()
);

pub const BUMP_VERSION: &str = "UPDATE incidents SET version = version + 1 WHERE id = $1";

/// Timeline entries, followed by their `VALUES` rows.
pub const INSERT_ENTRIES: &str = "INSERT INTO timeline_entries \
     (incident_id, at, actor, kind, text, from_value, to_value) ";

/// The most entries one statement inserts: 7 values each, well under SQLite's 32,766.
pub const ENTRIES_AT_ONCE: usize = 1_000;

pub const GET: &str = concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents WHERE id = $1"
);

pub const OPEN_IN_CHANNEL: &str = concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents WHERE platform = $1 AND workspace = $2 AND channel = $3 AND status <> 'resolved'"
);

pub const LATEST_IN_CHANNEL: &str = concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents WHERE platform = $1 AND workspace = $2 AND channel = $3 ORDER BY id DESC LIMIT 1"
);

pub const LIST_OPEN: &str = concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents WHERE status <> 'resolved' ORDER BY id DESC LIMIT $1"
);

pub const LIST_ALL: &str = concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents ORDER BY id DESC LIMIT $1"
);

/// In the order things happened: a message pinned later keeps its own time.
pub const TIMELINE: &str = "SELECT seq, incident_id, at, actor, kind, text, from_value, to_value \
     FROM timeline_entries WHERE incident_id = $1 ORDER BY at, seq";

pub const INSERT_PENDING: &str = "INSERT INTO pending_actions \
     (token, platform, workspace, channel, requested_by, requested_at, expires_at, command_text, \
      command, service, environment, risk, approval, plan_summary, plan_details, plan_fingerprint) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

pub const GET_PENDING: &str = "SELECT token, platform, workspace, channel, requested_by, \
     requested_at, expires_at, command_text, command, service, environment, risk, approval, \
     plan_summary, plan_details, plan_fingerprint, state, decided_by, decided_at \
     FROM pending_actions WHERE token = $1";

/// The claim: one conditional update, so exactly one caller moves a row out of `pending`.
pub const CLAIM_PENDING: &str = "UPDATE pending_actions SET state = $1, decided_by = $2, \
     decided_at = $3 WHERE token = $4 AND state = 'pending'";

pub const INSERT_AUDIT: &str = "INSERT INTO audit_log \
     (at, event, platform, workspace, channel, actor, text, command, service, environment, risk, \
      plan, token, requested_by, requested_at, approved_by, approved_at, started_at, finished_at, \
      outcome, output_sha256) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)";

pub const AUDIT_LOG: &str = "SELECT at, event, platform, workspace, channel, actor, text, command, \
     service, environment, risk, plan, token, requested_by, requested_at, approved_by, approved_at, \
     started_at, finished_at, outcome, output_sha256 FROM audit_log \
     WHERE ($1 IS NULL OR at >= $1) AND ($2 IS NULL OR service = $2) ORDER BY id";
