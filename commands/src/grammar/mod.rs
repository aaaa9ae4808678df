//! The command grammar, the same on every platform.
//!
//! `/incident p1 checkout returns 502`, `/warroom incident note "rolled back"`,
//! `/incident list —all` typed on a phone: the [`lexer`] splits words and quoted strings and
//! reads unicode dashes as `--`; [`parse`] turns the words into a typed [`Command`] and points at
//! the bad word with a suggestion when something does not fit. Each command is declared once
//! in [`spec`], and help, access and the chat platforms' registrations are read from there.

pub(crate) mod alerts;
mod command;
mod duration;
mod incident;
mod lexer;
pub(crate) mod oncall;
mod op;
mod parse;
pub mod spec;
mod suggest;
mod text;

pub use alerts::AlertsCommand;
pub use command::{Access, Command, HelpTopic, IncidentCommand, OpArgs, SinceArg, Word};
pub use duration::{DurationError, MAX_DURATION, MAX_DURATION_TEXT, later, parse_duration};
pub use lexer::{Lexer, Span, Token};
pub use oncall::{LONGEST_COVER, OncallCommand, Until};
pub use op::too_far_back;
pub use parse::parse;
pub use spec::{COMMANDS, Flag, MAX_COUNT, MAX_LIMIT, Spec, VERBS, op_usage};
pub use suggest::nearest;
pub use text::{TextLimit, free_text, shortened};
