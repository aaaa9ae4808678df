//! The argv runner against real programs: no shell, timeouts, exit codes, and only the
//! environment its service passes.

use std::time::{Duration, Instant};

use warroom_commands::ports::{OperationError, RunPort};
use warroom_integrations::ArgvRunner;

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

const LONG: Duration = Duration::from_secs(10);

#[tokio::test]
async fn runs_a_program_and_reports_its_exit_code() {
    let out = ArgvRunner
        .run(&argv(&["/bin/echo", "hello"]), &[], LONG)
        .await
        .unwrap();
    assert_eq!((out.exit_code, out.stdout.as_str()), (Some(0), "hello\n"));
    let out = ArgvRunner
        .run(
            &argv(&["/bin/sh", "-c", "echo oops >&2; exit 3"]),
            &[],
            LONG,
        )
        .await
        .unwrap();
    assert_eq!((out.exit_code, out.stderr.as_str()), (Some(3), "oops\n"));
}

#[tokio::test]
async fn arguments_are_never_interpreted_by_a_shell() {
    let hostile = "; rm -rf /tmp/x $(id) `whoami` | cat";
    let out = ArgvRunner
        .run(&argv(&["/bin/echo", hostile]), &[], LONG)
        .await
        .unwrap();
    assert_eq!(out.stdout, format!("{hostile}\n"));
}

#[tokio::test]
async fn a_hung_program_is_killed_at_its_timeout() {
    let started = Instant::now();
    let out = ArgvRunner
        .run(&argv(&["/bin/sleep", "5"]), &[], Duration::from_millis(200))
        .await
        .unwrap();
    assert_eq!(out.exit_code, None);
    assert!(out.stderr.contains("killed after 0.2s"), "{}", out.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "it did not wait for the program"
    );
}

#[tokio::test]
async fn a_missing_program_is_one_sentence() {
    match ArgvRunner
        .run(&argv(&["/no/such/kubectl", "get"]), &[], LONG)
        .await
    {
        Err(OperationError::Platform(sentence)) => {
            assert!(
                sentence.starts_with("could not start `/no/such/kubectl`"),
                "{sentence}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(ArgvRunner.run(&[], &[], LONG).await.is_err());
}

#[tokio::test]
async fn a_command_gets_only_the_variables_its_service_passes() {
    // Cargo sets CARGO_PKG_NAME for the test process: warroom has it, and it is not listed.
    assert!(std::env::var_os("CARGO_PKG_NAME").is_some() && std::env::var_os("HOME").is_some());
    let env = vec!["HOME".to_string(), "NOT_SET_ANYWHERE".to_string()];
    let out = ArgvRunner
        .run(&argv(&["/usr/bin/env"]), &env, LONG)
        .await
        .unwrap();
    let mut names: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.split_once('=').map(|(name, _)| name))
        .collect();
    names.sort();
    assert_eq!(names, ["HOME", "PATH"], "{}", out.stdout);
}
