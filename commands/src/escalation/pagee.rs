//! Whom a level names: someone fixed, or an on-call schedule.
//!
//! A fixed list goes stale the week the rota turns; a schedule does not. So a level may name
//! `schedule:primary` beside `slack:U0LEAD`, and the schedule is read only when the level fires
//! ([`super::whom`]): the person paged is whoever is on call then, not when the incident was
//! declared, nor when the level was planned.

use super::Contact;

/// One entry of a level's `notify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagee {
    /// A person or a group, the same at every page.
    Contact(Contact),
    /// Whoever is on call in the schedule of this name when the level fires.
    Schedule(String),
    /// A paging provider (`pagerduty`, `opsgenie`): the incident is handed to it, which pages
    /// phones by its own rules.
    Provider(crate::paging::Provider),
}

/// What `schedule:NAME` is written with.
pub const SCHEDULE: &str = "schedule:";

impl Pagee {
    /// Parses `schedule:NAME`, or a contact as [`Contact::parse`] reads it. Whether the
    /// schedule exists is configuration's to check: it knows the schedules. The error is a
    /// sentence.
    pub fn parse(text: &str) -> Result<Pagee, String> {
        match text.strip_prefix(SCHEDULE) {
            Some(name) if !name.trim().is_empty() && name.trim() == name => {
                Ok(Pagee::Schedule(name.to_string()))
            }
            Some(_) => Err(format!(
                "`{text}` names no schedule; write schedule:NAME, NAME as in [schedules.NAME]."
            )),
            None => match crate::paging::Provider::parse(text) {
                Some(provider) => Ok(Pagee::Provider(provider)),
                None => Contact::parse(text).map(Pagee::Contact).map_err(|_| {
                    format!(
                        "`{text}` is not someone to page; write slack:U… (a person), slack:S… (a user group), discord:user:ID, discord:role:ID, schedule:NAME, pagerduty or opsgenie."
                    )
                }),
            },
        }
    }

    /// The schedule's name, for an entry that names one.
    pub fn schedule(&self) -> Option<&str> {
        match self {
            Pagee::Schedule(name) => Some(name),
            Pagee::Contact(_) | Pagee::Provider(_) => None,
        }
    }

    /// The provider, for an entry that names one.
    pub fn provider(&self) -> Option<crate::paging::Provider> {
        match self {
            Pagee::Provider(provider) => Some(*provider),
            Pagee::Contact(_) | Pagee::Schedule(_) => None,
        }
    }
}

impl From<Contact> for Pagee {
    fn from(contact: Contact) -> Pagee {
        Pagee::Contact(contact)
    }
}

impl std::fmt::Display for Pagee {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pagee::Contact(contact) => contact.fmt(f),
            Pagee::Schedule(name) => write!(f, "{SCHEDULE}{name}"),
            Pagee::Provider(provider) => f.write_str(provider.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_is_named_and_anything_else_is_a_contact() {
        assert_eq!(
            Pagee::parse("schedule:primary"),
            Ok(Pagee::Schedule("primary".into()))
        );
        assert_eq!(
            Pagee::parse("slack:U0LEAD"),
            Ok(Pagee::Contact(Contact::parse("slack:U0LEAD").unwrap()))
        );
        for bad in [
            "schedule:",
            "schedule: primary",
            "slack:C0CHANNEL",
            "primary",
        ] {
            assert!(Pagee::parse(bad).is_err(), "{bad}");
        }
        for written in ["schedule:primary", "discord:role:4177", "slack:S0ONCALL"] {
            assert_eq!(Pagee::parse(written).unwrap().to_string(), written);
        }
    }
}
