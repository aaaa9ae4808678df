//! Runs the real `warroom` binary, as a user or a script would.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `warroom` binary of this build. Cargo builds it before any test runs, because the
/// `warroom` package has integration tests of its own.
pub fn warroom_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let bin = dir.join(format!("warroom{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing; run the tests with `cargo test --workspace` so it is built",
        bin.display()
    );
    let built = modified(&bin);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for sources in ["bot/src", "commands/src", "integrations/src", "migrations"] {
        if let Some((newest, path)) = newest_file(&root.join(sources)) {
            assert!(
                newest <= built,
                "{} is older than {}: run the tests with `cargo test --workspace` (or `cargo build -p warroom` first) so the binary under test is the code under test",
                bin.display(),
                path.display()
            );
        }
    }
    bin
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(std::time::SystemTime::UNIX_EPOCH)
}

/// Whether the binary compiles this source: not the in-memory fakes (a test-only feature) nor
/// unit-test modules (`tests.rs`, `tests/`), so editing them needs no rebuild of the binary.
fn in_the_binary(path: &Path) -> bool {
    !path.ends_with("commands/src/fakes")
        && path
            .file_name()
            .is_none_or(|name| name != "tests" && name != "tests.rs")
}

/// The most recently modified file under `dir`, with its time.
fn newest_file(dir: &Path) -> Option<(std::time::SystemTime, PathBuf)> {
    let mut newest: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if !in_the_binary(&path) {
            continue;
        }
        let found = if path.is_dir() {
            newest_file(&path)
        } else {
            Some((modified(&path), path))
        };
        if let Some(found) = found
            && newest.as_ref().is_none_or(|(at, _)| found.0 > *at)
        {
            newest = Some(found);
        }
    }
    newest
}

/// A `warroom` invocation in a working directory, with a clean environment for config.
pub struct Run {
    command: Command,
    stdin: Vec<u8>,
}

impl Run {
    pub fn new(cwd: &Path, args: &[&str]) -> Run {
        let mut command = Command::new(warroom_bin());
        command
            .args(args)
            .current_dir(cwd)
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .env("USER", "tester");
        Run {
            command,
            stdin: Vec::new(),
        }
    }

    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.command.env(key, value);
        self
    }

    pub fn stdin(self, text: &str) -> Run {
        self.stdin_bytes(text.as_bytes())
    }

    /// Raw bytes on stdin, for input that is not text at all.
    pub fn stdin_bytes(mut self, bytes: &[u8]) -> Run {
        self.stdin = bytes.to_vec();
        self
    }

    /// Starts it without waiting: `warroom serve`, stopped when the [`Child`] is killed.
    pub fn output(mut self) -> Output {
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn warroom");
        let mut stdin = child.stdin.take().expect("stdin");
        let input = std::mem::take(&mut self.stdin);
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().expect("wait for warroom");
        writer.join().expect("stdin writer");
        output
    }
}

/// stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// What a piped `warroom console` printed, after checking that it ended as a session does: 0
/// with no `error:` line, or 1 with the closing count of failed commands (an operation that ran
/// and failed counts without an `error:` line) — never a crash or an unexplained status.
pub fn answered(output: &Output) -> String {
    let (out, err) = (stdout(output), stderr(output));
    match output.status.code() {
        Some(0) => assert!(
            !out.lines().any(|l| l.starts_with("error: ")),
            "an error was printed, yet the console exited 0:\n{out}"
        ),
        Some(1) => assert!(
            err.contains("commands failed; their errors are above."),
            "exit 1 without the count of failed commands:\n{out}\n{err}"
        ),
        other => panic!("the console exited {other:?}:\n{out}\n{err}"),
    }
    out
}

/// The token in a confirmation card: the word in "`confirm TOKEN`".
pub fn confirmation_token(card: &str) -> String {
    card.split("`confirm ")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no confirmation token in:\n{card}"))
        .to_string()
}

/// `warroom serve` in `dir` (its warroom.toml listens on 127.0.0.1:`port`), with the AWS
/// emulator's credentials, once `/readyz` answers 200. Its log goes to `dir/serve-PORT.log`
/// (a pipe nobody reads would fill and stop it). Killed when dropped.
pub struct Serving {
    child: std::process::Child,
    log: PathBuf,
}

impl Serving {
    pub async fn start(dir: &Path, port: u16) -> Serving {
        Serving::start_with(dir, port, &[]).await
    }

    /// As [`Serving::start`], with `--config`-style extra arguments before `serve`.
    pub async fn start_with(dir: &Path, port: u16, args: &[&str]) -> Serving {
        let mut all: Vec<&str> = args.to_vec();
        all.push("serve");
        let mut run = Run::new(dir, &all);
        for (key, value) in crate::moto::ENV {
            run = run.env(key, value);
        }
        let log = dir.join(format!("serve-{port}.log"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("open the serve log");
        run.command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(file);
        let serving = Serving {
            child: run.command.spawn().expect("spawn warroom serve"),
            log,
        };
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if let Ok(answer) = client
                .get(format!("http://127.0.0.1:{port}/readyz"))
                .send()
                .await
            {
                assert_eq!(answer.status(), 200, "warroom serve is up but not ready");
                return serving;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("warroom serve did not answer on 127.0.0.1:{port} within 10 s");
    }
}

impl Serving {
    /// Its process id, to watch it through `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Ends the process with SIGKILL, as a crash or an OOM kill would: no shutdown runs.
    pub fn kill_9(&mut self) {
        self.child.kill().expect("kill -9 warroom serve");
        self.child.wait().expect("reap warroom serve");
    }

    /// Sends SIGTERM, as a service manager stopping warroom would, and waits at most `limit`
    /// for the process to exit: its status and everything it logged. Past the limit the process
    /// is killed and the test fails. The wait is the process's own exit, on a thread of its
    /// own, while the test's runtime goes on serving the fakes warroom talks to as it stops.
    pub fn terminate_within(
        &mut self,
        limit: std::time::Duration,
    ) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(sent.success(), "SIGTERM could not be sent");
        let child = &mut self.child;
        let status = tokio::task::block_in_place(|| {
            std::thread::scope(|scope| {
                let (exited, exit) = std::sync::mpsc::channel();
                scope.spawn(move || {
                    let _ = exited.send(child.wait());
                });
                match exit.recv_timeout(limit) {
                    Ok(status) => status.expect("wait for warroom serve"),
                    Err(_) => {
                        let _ = Command::new("kill").args(["-KILL", &pid]).status();
                        panic!("warroom serve did not exit within {limit:?} of SIGTERM");
                    }
                }
            })
        });
        let log = std::fs::read_to_string(&self.log).expect("read the serve log");
        (status, log)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What warroom at `base` counts, as Prometheus reads it.
pub async fn metrics(base: &str) -> String {
    reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
