//! No line may panic warroom: 20,000+ seeded random and mutated lines through the grammar and
//! through [`Core::execute`] on the in-memory fakes, so every handler runs on them too.
//!
//! The seed is fixed, so a run is repeatable and a failure is reproduced by running the test
//! again; `WARROOM_FUZZ_SEED=N` explores other lines (the seed is printed either way). A
//! panicking line is reported with the seed and its place in the run, and the run goes on, so
//! one run lists every panic it found.

mod help;
mod mutate;
mod seeds;
mod world;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

use chrono::TimeDelta;
use futures_util::FutureExt;
use warroom_commands::fakes::console_invocation;
use warroom_commands::grammar::{self, Command, VERBS};
use warroom_commands::{Block, ButtonAction, CommandError, Core, Reply};

use world::{CHANNELS, World};

const LINES: usize = 20_000;
const DEFAULT_SEED: u64 = 0x5EED_2026_1122;
/// Lines per world: the in-memory store is started afresh so that timelines stay small.
const LINES_PER_WORLD: usize = 500;

/// What a run found.
#[derive(Default)]
struct Tally {
    lines: usize,
    parsed: usize,
    /// How often each command (an `/incident` verb counted on its own) answered without error.
    answered: BTreeMap<String, usize>,
    refused: usize,
    failed: usize,
    panics: Vec<String>,
}

/// The handler a command goes to: the command's name, or `incident` and its verb.
fn handler_of(command: &Command) -> String {
    match command {
        Command::Incident(verb) => format!("incident {}", verb.spec().name),
        other => other.name().to_string(),
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

impl Tally {
    /// Parses and executes one line, recording a panic in either instead of stopping.
    async fn run(&mut self, core: &Core, channel: &str, line: &str) -> Option<Reply> {
        self.lines += 1;
        let where_ = format!("line {} {line:?} in #{channel}", self.lines);
        let parsed = match std::panic::catch_unwind(|| grammar::parse(line)) {
            Ok(parsed) => parsed.ok(),
            Err(payload) => {
                self.panics.push(format!(
                    "grammar::parse panicked on {where_}: {}",
                    panic_text(&*payload)
                ));
                return None;
            }
        };
        self.parsed += usize::from(parsed.is_some());
        let invocation = console_invocation(channel, "console-fuzzer", line);
        match AssertUnwindSafe(core.execute(&invocation))
            .catch_unwind()
            .await
        {
            Ok(Ok(reply)) => {
                if let Some(command) = &parsed {
                    *self.answered.entry(handler_of(command)).or_default() += 1;
                }
                Some(reply)
            }
            Ok(Err(CommandError::User(_))) => {
                self.refused += 1;
                None
            }
            Ok(Err(CommandError::Internal(_) | CommandError::Unavailable(_))) => {
                self.failed += 1;
                None
            }
            Err(payload) => {
                self.panics.push(format!(
                    "Core::execute panicked on {where_}: {}",
                    panic_text(&*payload)
                ));
                None
            }
        }
    }
}

/// The token of a confirmation the reply asks for, if any.
fn confirmation(reply: &Reply) -> Option<String> {
    reply.blocks.iter().find_map(|b| match b {
        Block::Buttons(buttons) => buttons
            .iter()
            .find(|b| b.action == ButtonAction::Confirm)
            .map(|b| b.token.clone()),
        _ => None,
    })
}

#[tokio::test]
async fn no_line_panics_the_grammar_or_a_handler() {
    let seed = std::env::var("WARROOM_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    println!("fuzz seed {seed} (set WARROOM_FUZZ_SEED to choose another)");
    let mut rng = fastrand::Rng::with_seed(seed);
    let templates = seeds::templates();
    let flags = mutate::flags(&templates);
    let vocabulary: Vec<String> = templates
        .iter()
        .flat_map(|t| t.split_whitespace().map(str::to_string))
        .collect();
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut world = World::new();
    let (mut fresh_at, mut panics_seen) = (0, 0);
    while tally.lines < LINES {
        if tally.lines >= fresh_at || tally.panics.len() > panics_seen {
            // A fresh world, with an incident open where most lines are typed; after a panic
            // too, since a panic can leave a fake's lock poisoned.
            world = World::new();
            tally
                .run(
                    &world.core,
                    CHANNELS[0],
                    "/incident p1 checkout returns 502",
                )
                .await;
            fresh_at = tally.lines + LINES_PER_WORLD;
            panics_seen = tally.panics.len();
        }
        let channel = CHANNELS[rng.usize(..CHANNELS.len())];
        let template = &templates[rng.usize(..templates.len())];
        let line = match rng.usize(..10) {
            0..=2 => seeds::expand(template, &mut rng),
            3..=8 => mutate::mutate(&seeds::expand(template, &mut rng), &flags, &mut rng),
            _ => mutate::random_line(&mut rng, &vocabulary),
        };
        let reply = tally.run(&world.core, channel, &line).await;
        if let Some(token) = reply.as_ref().and_then(confirmation) {
            let settle = if rng.usize(..4) == 0 {
                "cancel"
            } else {
                "confirm"
            };
            tally
                .run(&world.core, channel, &format!("/{settle} {token}"))
                .await;
        }
        if rng.usize(..20) == 0 {
            world.clock.advance(TimeDelta::minutes(rng.i64(1..90)));
        }
    }
    let elapsed = started.elapsed();
    println!(
        "{} lines in {elapsed:.1?}: {} parsed, {} answered, {} refused, {} internal errors",
        tally.lines,
        tally.parsed,
        tally.answered.values().sum::<usize>(),
        tally.refused,
        tally.failed
    );
    println!("answered per handler: {:?}", tally.answered);
    assert!(
        tally.panics.is_empty(),
        "{} lines panicked (seed {seed}):\n{}",
        tally.panics.len(),
        tally.panics.join("\n")
    );
    // Each handler ran to an answer at least once, so the lines reached past the grammar.
    let mut handlers: Vec<String> = grammar::COMMANDS
        .iter()
        .filter(|c| c.name != "incident")
        .map(|c| c.name.to_string())
        .collect();
    handlers.extend(VERBS.iter().map(|v| format!("incident {}", v.name)));
    let missing: Vec<&String> = handlers
        .iter()
        .filter(|h| !tally.answered.contains_key(*h))
        .collect();
    assert!(missing.is_empty(), "never answered: {missing:?}");
}
