//! `/help` checked against the declarations on the fuzz world, where the policy allows
//! everything and every service, operation and action is configured: help then names every
//! declared command with its declared usage and every `/incident` verb, so a command added to
//! the declarations cannot be left out of help. Under the default incidents-only policy it
//! names only what that policy allows.

use std::sync::Arc;

use warroom_commands::fakes::{
    FakeRunner, InMemoryActions, InMemoryStore, ManualClock, console_invocation,
};
use warroom_commands::grammar::{COMMANDS, VERBS};
use warroom_commands::{Core, Reply};

use super::world::World;

async fn help(core: &Core, text: &str) -> String {
    let reply: Reply = core
        .execute(&console_invocation("ops", "alice", text))
        .await
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    reply.to_plain_text()
}

#[tokio::test]
async fn help_names_every_declared_command_when_everything_is_allowed() {
    let world = World::new();
    let all = help(&world.core, "/help").await;
    for command in COMMANDS {
        assert!(
            all.contains(&format!("/{} ", command.name)),
            "/{} missing:\n{all}",
            command.name
        );
        assert!(all.contains(command.summary), "{}:\n{all}", command.summary);
    }
    let incident = help(&world.core, "/help incident").await;
    for verb in VERBS {
        assert!(
            incident.contains(&verb.verb_usage()) && incident.contains(verb.example),
            "{} missing:\n{incident}",
            verb.name
        );
    }
}

#[tokio::test]
async fn help_names_only_what_the_incidents_only_policy_allows() {
    let core = warroom_commands::fakes::core(
        Arc::new(InMemoryStore::default()),
        Arc::new(InMemoryActions::default()),
        Arc::new(FakeRunner::default()),
        Arc::new(ManualClock::at("2026-11-22T03:00:00Z")),
    );
    let shown = help(&core, "/help").await;
    let named: Vec<&str> = COMMANDS
        .iter()
        .map(|c| c.name)
        .filter(|name| shown.contains(&format!("/{name} ")))
        .collect();
    assert_eq!(named, ["incident", "alerts", "oncall", "help"], "{shown}");
}
