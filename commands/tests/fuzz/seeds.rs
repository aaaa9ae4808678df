//! Valid commands to start from, built from the grammar's declarations: the usage lines of
//! [`COMMANDS`] and of every `/incident` verb in [`VERBS`], with their placeholders filled,
//! plus the examples as written. A new command, verb or option declared there is fuzzed
//! without touching this file.

use fastrand::Rng;
use warroom_commands::grammar::{COMMANDS, VERBS};

use super::world::{ACTIONS, SERVICES};

/// The usage lines and examples the generator expands and mutates.
pub fn templates() -> Vec<String> {
    let mut out: Vec<String> = COMMANDS
        .iter()
        .flat_map(|c| [c.usage(), c.example.to_string()])
        .collect();
    for verb in VERBS {
        out.push(verb.verb_usage());
        out.push(verb.example.to_string());
        for alias in verb.aliases {
            out.push(verb.example.replacen(verb.name, alias, 1));
        }
    }
    out.push("/help incident".into());
    out.push("/warroom incident list --all".into());
    out
}

/// The template with optional parts kept or dropped, one alternative picked, and each
/// placeholder given a plausible value.
pub fn expand(template: &str, rng: &mut Rng) -> String {
    let mut out = Vec::new();
    for part in groups(template) {
        let Some(inner) = part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) else {
            out.push(fill(&part, rng));
            continue;
        };
        if rng.bool() {
            out.push(expand(inner, rng));
        }
    }
    out.join(" ")
}

/// Words and bracketed groups (which may hold spaces and nest), in order.
fn groups(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in template.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() && depth == 0 => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One word of a usage line: `a|b` picks one, a placeholder gets a value, the rest stays.
fn fill(word: &str, rng: &mut Rng) -> String {
    let options: Vec<&str> = word.split('|').collect();
    let word = options[rng.usize(..options.len())];
    let pick = |rng: &mut Rng, values: &[&str]| values[rng.usize(..values.len())].to_string();
    match word {
        "SERVICE" => pick(rng, &SERVICES),
        "ACTION" => pick(rng, &ACTIONS),
        "REVISION" => pick(rng, &["v41", "web:3", "a1b2c3d", "release-2026.11"]),
        "ID" => pick(rng, &["INC-1", "1", "INC-2", "i-0abc", "i-0def"]),
        "N" => pick(rng, &["0", "1", "4", "50", "1000"]),
        "PATTERN" => pick(rng, &["ERROR", "\"ERROR|panic\"", "request", "(?i)fail"]),
        "TOKEN" => pick(rng, &["tok1", "tok2", "tok3"]),
        "SEVERITY" => pick(rng, &["p1", "p2", "sev3", "low", "critical"]),
        "TITLE" | "TEXT" | "SUMMARY" => pick(rng, &["checkout returns 502", "\"it's the cache\""]),
        "@NAME" => pick(rng, &["@alice", "bob", "@<@U024BE7LH>"]),
        "DURATION" => pick(rng, &["30m", "1h30m", "24h", "500ms"]),
        other => other.to_string(),
    }
}
