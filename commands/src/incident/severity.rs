//! Severity levels P1..P4, as the runbooks define them.

use std::fmt;

/// How bad an incident is. P1 is the worst; ordering follows urgency (`P1 > P2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    P1,
    P2,
    P3,
    P4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::P1, Severity::P2, Severity::P3, Severity::P4];

    /// What users type and what is stored: `p1`..`p4`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::P1 => "p1",
            Severity::P2 => "p2",
            Severity::P3 => "p3",
            Severity::P4 => "p4",
        }
    }

    /// The words accepted for each level; the first is canonical.
    pub fn spellings(self) -> &'static [&'static str] {
        match self {
            Severity::P1 => &["p1", "sev1", "critical"],
            Severity::P2 => &["p2", "sev2", "major"],
            Severity::P3 => &["p3", "sev3", "minor"],
            Severity::P4 => &["p4", "sev4", "low"],
        }
    }

    /// Parses `p1`, `P1`, `sev1`, `SEV-1`, `critical`, ...
    pub fn parse(text: &str) -> Option<Severity> {
        let lower = text.to_ascii_lowercase().replace('-', "");
        Severity::ALL
            .into_iter()
            .find(|s| s.spellings().contains(&lower.as_str()))
    }

    /// Every accepted spelling, for suggestions.
    pub fn all_spellings() -> impl Iterator<Item = &'static str> {
        Severity::ALL
            .into_iter()
            .flat_map(|s| s.spellings().iter().copied())
    }

    /// A marker that reads the same on every platform and in plain text.
    pub fn marker(self) -> &'static str {
        match self {
            Severity::P1 => "🔴",
            Severity::P2 => "🟠",
            Severity::P3 => "🟡",
            Severity::P4 => "🔵",
        }
    }

    /// The tone of the incident's card: critical is danger, major and minor want an eye.
    pub fn tone(self) -> crate::reply::Tone {
        use crate::reply::Tone;
        match self {
            Severity::P1 => Tone::Danger,
            Severity::P2 | Severity::P3 => Tone::Warning,
            Severity::P4 => Tone::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_parse_to_levels() {
        for (text, level) in [
            ("p1", Severity::P1),
            ("P2", Severity::P2),
            ("sev3", Severity::P3),
            ("SEV-4", Severity::P4),
            ("critical", Severity::P1),
            ("major", Severity::P2),
            ("minor", Severity::P3),
            ("Low", Severity::P4),
        ] {
            assert_eq!(Severity::parse(text), Some(level), "{text}");
        }
        assert_eq!(Severity::parse("p5"), None);
        assert_eq!(Severity::parse("sev"), None);
    }
}
