//! The command grammar, the same on every platform.
//!
//! `/incident p1 checkout returns 502`, `/warroom incident note "rolled back"`,
//! `/incident list —all` typed on a phone: the [`lexer`] splits words and quoted strings and
//! reads unicode dashes as `--`; [`parse`] turns the words into a typed [`Command`] and points at
//! the bad word with a suggestion when something does not fit.

mod command;
mod duration;
mod incident;
mod lexer;
mod op;
mod parse;
mod suggest;
mod text;

pub use command::{
    Access, COMMANDS, Command, HelpTopic, INCIDENT_USAGE, IncidentCommand, OpArgs, SinceArg, Usage,
    Word, usage_of,
};
pub use duration::{DurationError, MAX_DURATION, MAX_DURATION_TEXT, later, parse_duration};
pub use lexer::{Lexer, Span, Token};
pub use op::{Flag, MAX_COUNT, MAX_LIMIT, flags as op_flags, too_far_back, usage as op_usage};
pub use parse::parse;
pub use suggest::nearest;
pub use text::{TextLimit, free_text, shortened};
