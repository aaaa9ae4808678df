//! The console transport: the same commands as Slack and Discord, typed in a terminal.
//!
//! Interactive when stdin is a terminal (line editing and history through rustyline), line by
//! line when it is piped, so scripts and tests drive exactly what a person would type. The actor
//! is `--as NAME` (or $USER) and the channel `--channel NAME`: on the console these names are the
//! immutable ids that Slack and Discord give as `U…` and snowflakes.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use warroom_commands::{ChannelRef, Core, Invocation, Platform};

use crate::app::App;

#[derive(Debug, Clone, clap::Args)]
pub struct ConsoleArgs {
    /// Who you are in the incident record. Default: $USER.
    #[arg(long = "as", value_name = "NAME")]
    pub actor: Option<String>,
    /// The channel commands act in; one open incident per channel.
    #[arg(long, value_name = "NAME", default_value = "console")]
    pub channel: String,
}

/// Who is typing, and where.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: String,
    pub channel: ChannelRef,
}

impl Session {
    pub fn new(args: &ConsoleArgs) -> Session {
        let actor = args
            .actor
            .clone()
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "operator".to_string());
        Session {
            actor,
            channel: ChannelRef {
                platform: Platform::Console,
                workspace: "local".to_string(),
                channel: args.channel.clone(),
            },
        }
    }
}

/// What a line asks the console loop to do.
enum Line {
    Skip,
    Quit,
    Command(String),
}

fn classify(line: &str) -> Line {
    let trimmed = line.trim();
    match trimmed {
        "" => Line::Skip,
        t if t.starts_with('#') => Line::Skip,
        "quit" | "exit" | "\\q" => Line::Quit,
        t => Line::Command(t.to_string()),
    }
}

/// Lines longer than this are not echoed above an error: the caret would not help.
const ECHO_LIMIT: usize = 160;

/// What one command printed, and whether it failed: refused, an outage, or an operation that
/// ran and failed.
pub struct Answer {
    pub text: String,
    pub failed: bool,
}

/// Runs one command and renders what the person at the terminal should see.
pub async fn execute(core: &Core, session: &Session, text: &str) -> Answer {
    let invocation = Invocation {
        channel: session.channel.clone(),
        actor: session.actor.clone(),
        groups: Vec::new(),
        text: text.to_string(),
    };
    let refused = match core.execute(&invocation).await {
        Ok(reply) => {
            return Answer {
                text: reply.to_plain_text(),
                failed: reply.failed,
            };
        }
        Err(error) => crate::answer::refusal(core, &invocation, error),
    };
    let mut out = String::new();
    if let Some(span) = refused.span.filter(|_| text.chars().count() <= ECHO_LIMIT) {
        // Control characters are echoed as one visible character each, so the caret still
        // lines up and the terminal is not driven by them.
        let shown: String = text
            .chars()
            .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
            .collect();
        let pad = " ".repeat(span.column(text) + 2);
        let carets = "^".repeat(span.width(text));
        out.push_str(&format!("  {shown}\n{pad}{carets}\n"));
    }
    out.push_str(&format!("error: {}\n", refused.sentence));
    Answer {
        text: out,
        failed: true,
    }
}

/// The error for a line that is not UTF-8 (`which` names it): it is not run, and the session
/// goes on, because one pasted binary byte must not drop every command after it.
fn not_utf8(which: &str) -> String {
    format!(
        "error: {which} is not valid UTF-8, so it was not run; type or save it as UTF-8 text and send it again.\n"
    )
}

/// How many commands a piped session ran, and how many of them failed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub ran: usize,
    pub failed: usize,
}

/// Runs every line of `input`, writing replies to `out`, until the end or `quit`.
pub async fn run_lines(
    core: &Core,
    session: &Session,
    mut input: impl BufRead,
    out: &mut impl Write,
) -> std::io::Result<Tally> {
    let mut bytes = Vec::new();
    let mut tally = Tally::default();
    for number in 1.. {
        bytes.clear();
        if input.read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        let answer = match std::str::from_utf8(&bytes).map(classify) {
            Err(_) => Answer {
                text: not_utf8(&format!("Line {number}")),
                failed: true,
            },
            Ok(Line::Skip) => continue,
            Ok(Line::Quit) => break,
            Ok(Line::Command(text)) => execute(core, session, &text).await,
        };
        tally.ran += 1;
        tally.failed += usize::from(answer.failed);
        out.write_all(answer.text.as_bytes())?;
        out.flush()?;
    }
    Ok(tally)
}

/// `warroom console`.
pub async fn run(app: &App, args: ConsoleArgs) -> anyhow::Result<ExitCode> {
    let session = Session::new(&args);
    let tally = if std::io::stdin().is_terminal() {
        interactive(app, &session).await?;
        Tally::default()
    } else {
        run_lines(
            &app.core,
            &session,
            std::io::stdin().lock(),
            &mut std::io::stdout(),
        )
        .await?
    };
    app.store.close().await;
    // A script that pipes commands in learns from the status whether all of them worked.
    if tally.failed > 0 {
        eprintln!(
            "warroom: {} of {} commands failed; their errors are above.",
            tally.failed, tally.ran
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

async fn interactive(app: &App, session: &Session) -> anyhow::Result<()> {
    use rustyline::error::ReadlineError;

    let mut editor = rustyline::DefaultEditor::new()?;
    let history =
        std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".warroom_history"));
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!(
        "warroom console: you are {} in {} ({} store). Type /help for commands, quit to leave.",
        session.actor,
        session.channel,
        app.store.backend()
    );
    let prompt = format!("warroom {}> ", session.channel);
    loop {
        match editor.readline(&prompt) {
            Ok(line) => match classify(&line) {
                Line::Skip => continue,
                Line::Quit => break,
                Line::Command(text) => {
                    let _ = editor.add_history_entry(text.as_str());
                    print!("{}", execute(&app.core, session, &text).await.text);
                }
            },
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                print!("{}", not_utf8("That line"));
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(())
}
