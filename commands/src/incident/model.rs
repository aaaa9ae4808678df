//! The incident record.

use std::fmt;

use chrono::{DateTime, Utc};

use super::{Severity, Status};
use crate::ChannelRef;

/// An incident's number, shown as `INC-42`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct IncidentId(pub i64);

impl IncidentId {
    /// Accepts `42`, `#42`, `INC-42` and `inc42`.
    pub fn parse(text: &str) -> Option<IncidentId> {
        let lower = text.to_ascii_lowercase();
        let digits = lower
            .strip_prefix("inc-")
            .or_else(|| lower.strip_prefix("inc"))
            .or_else(|| lower.strip_prefix('#'))
            .unwrap_or(&lower);
        match digits.parse::<i64>() {
            Ok(n) if n > 0 => Some(IncidentId(n)),
            _ => None,
        }
    }

    /// How a button about this incident names it (`inc42`): the lowercase word the chat
    /// platforms' button values allow, which [`IncidentId::parse`] reads back.
    pub fn button_token(self) -> String {
        format!("inc{}", self.0)
    }
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "INC-{}", self.0)
    }
}

/// An incident as stored. The timeline holds the history; these fields hold the present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: IncidentId,
    pub channel: ChannelRef,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub lead: Option<String>,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub summary: Option<String>,
    /// Bumped on every change; an update names the version it read, so two people changing
    /// the same incident at once cannot overwrite each other unnoticed.
    pub version: i64,
}

impl Incident {
    /// `INC-7 P1 checkout returns 502`.
    pub fn label(&self) -> String {
        format!("{} {} {}", self.id, self.severity, self.title)
    }
}

/// What a declaration stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncident {
    pub channel: ChannelRef,
    pub title: String,
    pub severity: Severity,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_in_every_written_form() {
        for text in ["42", "#42", "INC-42", "inc42"] {
            assert_eq!(IncidentId::parse(text), Some(IncidentId(42)), "{text}");
        }
        assert_eq!(IncidentId::parse("0"), None);
        assert_eq!(IncidentId::parse("INC-"), None);
        assert_eq!(IncidentId(7).to_string(), "INC-7");
    }
}
