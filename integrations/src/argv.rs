//! The argv runner: configured programs run directly, never through a shell.
//!
//! User text never reaches a shell because there is none: the program and its arguments come
//! from configuration and are passed to the operating system as separate strings. The child
//! gets no stdin and only the environment variables its service passes (PATH always; see
//! `warroom_commands::services::PASSED_ENV`), is killed at its deadline, and its output is capped
//! so a runaway command cannot flood memory or the channel.

use std::process::Stdio;
use std::time::Duration;

use async_trait::async_trait;
use tokio::io::{AsyncRead, AsyncReadExt};
use warroom_commands::ports::{OperationError, RunOutput, RunPort};

/// Most bytes kept of each of stdout and stderr.
const OUTPUT_CAP: usize = 1024 * 1024;

/// Runs argv commands as child processes.
#[derive(Debug, Default, Clone, Copy)]
pub struct ArgvRunner;

/// Reads up to the cap, then drains the rest so the child never blocks on a full pipe.
async fn read_capped(mut pipe: impl AsyncRead + Unpin) -> String {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    let mut cut = false;
    loop {
        match pipe.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = OUTPUT_CAP.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                cut |= n > room;
            }
        }
    }
    let mut text = String::from_utf8_lossy(&kept).into_owned();
    if cut {
        text.push_str("\n[output cut at 1 MiB]\n");
    }
    text
}

#[async_trait]
impl RunPort for ArgvRunner {
    async fn run(
        &self,
        argv: &[String],
        env: &[String],
        timeout: Duration,
    ) -> Result<RunOutput, OperationError> {
        let Some((program, args)) = argv.split_first() else {
            return Err(OperationError::Platform(
                "the configured action has an empty argv; give it a program to run.".into(),
            ));
        };
        let mut command = tokio::process::Command::new(program);
        command
            .args(args)
            .env_clear()
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for key in env {
            if let Some(value) = std::env::var_os(key) {
                command.env(key, value);
            }
        }
        let mut child = command
            .spawn()
            .map_err(|e| OperationError::Platform(format!("could not start `{program}`: {e}.")))?;
        let stdout = tokio::spawn(read_capped(child.stdout.take().expect("piped stdout")));
        let stderr = tokio::spawn(read_capped(child.stderr.take().expect("piped stderr")));
        let (exit_code, note) = match tokio::time::timeout(timeout, child.wait()).await {
            Ok(Ok(status)) => (status.code(), None),
            Ok(Err(e)) => (None, Some(format!("waiting for `{program}` failed: {e}"))),
            Err(_) => {
                let _ = child.kill().await;
                (
                    None,
                    Some(format!("killed after {}s (timeout)", timeout.as_secs_f32())),
                )
            }
        };
        let stdout = stdout.await.unwrap_or_default();
        let mut stderr = stderr.await.unwrap_or_default();
        if let Some(note) = note {
            stderr.push_str(&note);
            stderr.push('\n');
        }
        Ok(RunOutput {
            exit_code,
            stdout,
            stderr,
        })
    }
}
