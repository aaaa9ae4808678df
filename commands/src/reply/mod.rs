//! Platform-neutral replies.
//!
//! Handlers describe what to show, not how: the Slack transport renders a [`Reply`] as Block Kit,
//! the Discord transport as embeds, the console as plain text ([`Reply::to_plain_text`]). Keeping
//! one model means every platform shows the same facts. People and times inside text are typed
//! ([`Line`]), so each platform shows them in the reader's own terms.

mod line;

pub use line::{Inline, Line};

/// Who sees a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Posted to the channel: incident changes and operation results.
    Channel,
    /// Only the caller sees it: errors, denials, help.
    Ephemeral,
}

/// What a reply reports, for platforms that colour a message by it (Discord's embeds): said by
/// the handler that knows, never read back out of the rendered text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Done, healthy.
    Ok,
    /// Needs an eye: degraded, unsettled, a major incident.
    Warning,
    /// Failed, down, refused, a critical incident.
    Danger,
    /// Neither: help, lists, timelines.
    Info,
}

/// One piece of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Header(String),
    Text(Line),
    /// Label/value pairs shown side by side where the platform can.
    Fields(Vec<(String, Line)>),
    /// A compact table; rendered in a monospace block on chat platforms.
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Preformatted text (a post-mortem draft, log lines).
    Code(String),
    /// A small, secondary line (hints, timestamps).
    Context(Line),
    /// Buttons that settle a pending operation. The console shows nothing for them: the text
    /// beside them already says what to type.
    Buttons(Vec<Button>),
    /// The whole of a long output, sent as a file where the platform can; the reply's other
    /// blocks show its head and tail. The console shows nothing for it.
    Attachment {
        name: String,
        content: String,
    },
}

/// What a button does when clicked: settle the pending operation with this token, acknowledge
/// the incident an escalation paged for, or resolve the incident whose alerts all cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonAction {
    Confirm,
    Cancel,
    Acknowledge,
    Resolve,
}

impl ButtonAction {
    pub const ALL: [ButtonAction; 4] = [
        ButtonAction::Confirm,
        ButtonAction::Cancel,
        ButtonAction::Acknowledge,
        ButtonAction::Resolve,
    ];

    /// The word a button carries in its platform id (`warroom:ack:inc7`).
    pub fn verb(self) -> &'static str {
        match self {
            ButtonAction::Confirm => "confirm",
            ButtonAction::Cancel => "cancel",
            ButtonAction::Acknowledge => "ack",
            ButtonAction::Resolve => "resolve",
        }
    }

    pub fn parse(verb: &str) -> Option<ButtonAction> {
        ButtonAction::ALL.into_iter().find(|a| a.verb() == verb)
    }

    /// The command a click stands for, as typed on the console: `confirm TOKEN`,
    /// `incident ack inc7`.
    pub fn command(self, token: &str) -> String {
        match self {
            ButtonAction::Acknowledge => format!("incident ack {token}"),
            // The button is posted in the incident's channel, whose open incident it resolves.
            ButtonAction::Resolve => "incident resolve all alerts cleared".to_string(),
            _ => format!("{} {token}", self.verb()),
        }
    }

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            ButtonAction::Confirm => "Confirm",
            ButtonAction::Cancel => "Cancel",
            ButtonAction::Acknowledge => "Acknowledge",
            ButtonAction::Resolve => "Resolve",
        }
    }

    /// What the clicker did, for the line that replaces the buttons: `approved`.
    pub fn pressed(self) -> &'static str {
        match self {
            ButtonAction::Confirm => "approved",
            ButtonAction::Cancel => "cancelled",
            ButtonAction::Acknowledge => "acknowledged",
            ButtonAction::Resolve => "resolved",
        }
    }

    /// What happens meanwhile: `running…`.
    pub fn progress(self) -> &'static str {
        match self {
            ButtonAction::Confirm => "running…",
            ButtonAction::Cancel => "withdrawing…",
            ButtonAction::Acknowledge | ButtonAction::Resolve => "recording…",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub action: ButtonAction,
    pub token: String,
    /// What a click does that cannot be taken back (a destructive operation's plan), for a
    /// Confirm that needs it: the platform shows the button in its danger style and, where it
    /// can, asks once more before the click counts. `None` for every other button.
    pub danger: Option<String>,
}

impl Button {
    pub fn new(action: ButtonAction, token: impl Into<String>) -> Self {
        Self {
            action,
            token: token.into(),
            danger: None,
        }
    }

    /// Marks the button as doing `what`, which cannot be taken back.
    pub fn dangerous(mut self, what: impl Into<String>) -> Self {
        self.danger = Some(what.into());
        self
    }
}

/// Which incident a reply is about, so that a chat transport can keep the incident's card
/// (the message showing its present state) current instead of posting it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentEvent {
    /// The reply is the new incident's card.
    Declared(crate::incident::IncidentId),
    /// The reply says what changed; the card should be redrawn.
    Changed(crate::incident::IncidentId),
}

/// An incident card's state in a few typed facts, for places that show one line of it (a
/// Slack channel's topic), so that no transport reads them back out of the rendered card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glance {
    /// The card's header: marker, id, severity and title.
    pub headline: String,
    pub status: String,
    pub lead: Option<String>,
}

/// What a command answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub visibility: Visibility,
    pub tone: Tone,
    pub blocks: Vec<Block>,
    pub incident: Option<IncidentEvent>,
    /// The command ran an operation and the operation failed (a rollback whose deployment
    /// failed, a program that exited non-zero): the reply shows the failure as any outcome is
    /// shown, and `/metrics` counts the command `failed` rather than `ok`.
    pub failed: bool,
    /// Set on an incident's card (see [`Glance`]).
    pub glance: Option<Glance>,
}

impl Reply {
    pub fn channel() -> Self {
        Self {
            visibility: Visibility::Channel,
            tone: Tone::Info,
            blocks: Vec::new(),
            incident: None,
            failed: false,
            glance: None,
        }
    }

    pub fn ephemeral() -> Self {
        Self {
            visibility: Visibility::Ephemeral,
            tone: Tone::Info,
            blocks: Vec::new(),
            incident: None,
            failed: false,
            glance: None,
        }
    }

    /// Marks the reply as being about an incident (see [`IncidentEvent`]).
    pub fn about(mut self, event: IncidentEvent) -> Self {
        self.incident = Some(event);
        self
    }

    /// Marks the reply as an incident's card showing `glance`.
    pub fn glance(mut self, glance: Glance) -> Self {
        self.glance = Some(glance);
        self
    }

    /// Marks the reply as the outcome of an operation that failed (see [`Reply::failed`]).
    pub fn failing(mut self, failed: bool) -> Self {
        self.failed = failed;
        self
    }

    /// An ephemeral reply of one sentence, as errors are shown: in the danger tone.
    pub fn error(message: impl Into<String>) -> Self {
        Self::ephemeral().tone(Tone::Danger).text(message.into())
    }

    /// Says what the reply reports (see [`Tone`]).
    pub fn tone(mut self, tone: Tone) -> Self {
        self.tone = tone;
        self
    }

    pub fn header(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Header(text.into()));
        self
    }

    pub fn text(mut self, text: impl Into<Line>) -> Self {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    pub fn fields<K: Into<String>, V: Into<Line>>(
        mut self,
        fields: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.blocks.push(Block::Fields(
            fields
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        ));
        self
    }

    pub fn table(mut self, headers: &[&str], rows: Vec<Vec<String>>) -> Self {
        self.blocks.push(Block::Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        });
        self
    }

    pub fn code(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Code(text.into()));
        self
    }

    pub fn context(mut self, text: impl Into<Line>) -> Self {
        self.blocks.push(Block::Context(text.into()));
        self
    }

    pub fn buttons(mut self, buttons: Vec<Button>) -> Self {
        self.blocks.push(Block::Buttons(buttons));
        self
    }

    pub fn attachment(mut self, name: impl Into<String>, content: impl Into<String>) -> Self {
        self.blocks.push(Block::Attachment {
            name: name.into(),
            content: content.into(),
        });
        self
    }

    /// Plain text for the console and for logs: one block after another.
    pub fn to_plain_text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Header(text) => {
                    out.push_str(text);
                    out.push('\n');
                }
                Block::Text(line) | Block::Context(line) => push_line(&mut out, &line.to_string()),
                Block::Code(text) => push_line(&mut out, text),
                Block::Fields(fields) => {
                    let width = fields.iter().map(|(k, _)| k.chars().count()).max();
                    for (key, value) in fields {
                        let pad = width.unwrap_or(0) - key.chars().count();
                        out.push_str(&format!("  {key}:{} {value}\n", " ".repeat(pad)));
                    }
                }
                Block::Table { headers, rows } => out.push_str(&render_table(headers, rows)),
                Block::Buttons(_) | Block::Attachment { .. } => {}
            }
        }
        out
    }
}

/// Appends `text` as a line of its own.
fn push_line(out: &mut String, text: &str) {
    out.push_str(text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
}

/// Renders a table with columns padded to their widest cell, as monospace text.
pub fn render_table(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(headers);
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_columns_to_widest_cell() {
        let text = render_table(
            &["ID".into(), "Title".into()],
            &[vec!["INC-1".into(), "checkout".into()]],
        );
        assert_eq!(text, "ID     Title\nINC-1  checkout\n");
    }

    #[test]
    fn an_error_is_ephemeral_and_in_the_danger_tone() {
        let error = Reply::error("no");
        assert_eq!(
            (error.visibility, error.tone),
            (Visibility::Ephemeral, Tone::Danger)
        );
        assert_eq!(Reply::channel().tone, Tone::Info);
    }

    #[test]
    fn fields_align_values() {
        let reply = Reply::channel().fields([("Severity", "P1"), ("Lead", "alice")]);
        assert_eq!(reply.to_plain_text(), "  Severity: P1\n  Lead:     alice\n");
    }
}
