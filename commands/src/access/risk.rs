//! Risk classes: part of each command's definition, not a transport's decision.

use std::fmt;

/// How much harm a command can do. Ordered: `Read < Operate < Destructive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Risk {
    /// Looks without touching: health, logs, timelines, lists.
    Read,
    /// Changes the record or one small thing: incident changes, restart of one instance.
    Operate,
    /// Can take production down: rollback, restart of a whole service, scale to zero.
    Destructive,
}

impl Risk {
    pub const ALL: [Risk; 3] = [Risk::Read, Risk::Operate, Risk::Destructive];

    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Read => "read",
            Risk::Operate => "operate",
            Risk::Destructive => "destructive",
        }
    }

    pub fn parse(text: &str) -> Option<Risk> {
        Risk::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
