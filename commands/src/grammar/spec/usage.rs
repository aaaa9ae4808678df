//! Usage lines written from the declarations, so that the line an error message quotes and the
//! one `/help` shows are the options the parser reads, in the order they are typed.

use super::{DECLARE, INCIDENT, Kind, Opt, Place, Spec};

impl Spec {
    /// `/logs SERVICE [--since 30m] ...`: a top-level command's usage line.
    pub fn usage(&self) -> String {
        line(format!("/{}", self.name), self.options)
    }

    /// `/incident ack [ID]`: an `/incident` verb's usage line (declaring types no verb).
    pub fn verb_usage(&self) -> String {
        let head = if self.name == DECLARE.name {
            format!("/{}", INCIDENT.name)
        } else {
            format!("/{} {}", INCIDENT.name, self.name)
        };
        line(head, self.options)
    }
}

impl Opt {
    /// The option as its usage line shows it: `SERVICE`, `[--to REVISION]`, `[--all]`.
    pub fn usage(&self) -> String {
        let value = match (self.kind, self.placeholder) {
            (Kind::Choice(choices), "") => choices.join("|"),
            (_, placeholder) => placeholder.to_string(),
        };
        let typed = match self.place {
            Place::Positional => value,
            Place::Flag(_) if self.kind == Kind::Switch => format!("--{}", self.name),
            Place::Flag(_) => format!("--{} {value}", self.name),
        };
        if self.required {
            typed
        } else {
            format!("[{typed}]")
        }
    }
}

fn line(head: String, options: &[Opt]) -> String {
    options.iter().fold(head, |mut line, opt| {
        line.push(' ');
        line.push_str(&opt.usage());
        line
    })
}
