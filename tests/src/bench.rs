//! What the benches share: the release `warroom` binary they start, the Bolt for Python app the
//! Slack benches measure warroom beside, a sampler of a process's open files and memory, and
//! the arithmetic of their tables.
//!
//! The Slack benches put warroom and the same minimal Bolt app under the same signed load, so
//! the Bolt app is started one way for both; a flood (of commands or of alerts) is judged by
//! what it does to the process (descriptors, resident memory), which only `/proc` shows from
//! outside, and by the binary users run, not a debug build.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::slack::FakeSlack;

/// The signing secret both warroom and the Bolt app are given in the benches.
pub const SECRET: &str = crate::replica::SECRET;

/// The `warroom` binary of this profile, beside the bench executable: the one measured, since
/// cargo does not build a binary of another package for a bench. Stops the bench with a
/// sentence saying how to build it when it is missing.
pub fn warroom_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the bench's own path");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps")
        .join("warroom");
    assert!(
        bin.exists(),
        "{} is missing: build it first with `cargo build --release -p warroom` (the bench \
         measures that binary)",
        bin.display()
    );
    bin
}

/// The virtualenv's python with slack-bolt, made on the first run (the only time anything is
/// downloaded, from PyPI).
pub fn bolt_python() -> PathBuf {
    let home = std::env::var("HOME").expect("HOME is set");
    let venv = PathBuf::from(home).join(".cache/warroom-bolt");
    let python = venv.join("bin/python");
    if !python.exists() {
        eprintln!("installing slack-bolt into {}", venv.display());
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv));
        run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "slack-bolt"]));
    }
    python
}

fn run(command: &mut Command) {
    let status = command.status().expect("the setup command starts");
    assert!(status.success(), "{command:?} failed: {status}");
}

/// The Bolt app (tests/support/bolt_ack.py) as a child process on loopback, killed when dropped.
pub struct Bolt {
    child: Child,
    pub addr: SocketAddr,
}

impl Bolt {
    pub fn start(python: &Path, fake: &FakeSlack) -> Bolt {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port on loopback")
            .port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/support/bolt_ack.py");
        let child = Command::new(python)
            .arg(script)
            .arg(port.to_string())
            .env("WARROOM_BENCH_SIGNING_SECRET", SECRET)
            .env("WARROOM_BENCH_SLACK_API", fake.api_url())
            .stdout(Stdio::null())
            .spawn()
            .expect("the Bolt app starts");
        let mut bolt = Bolt {
            child,
            addr: ([127, 0, 0, 1], port).into(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(bolt.addr).is_err() {
            if let Some(status) = bolt.child.try_wait().expect("the Bolt app's status") {
                panic!("the Bolt app ({script}) exited before listening: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "the Bolt app ({script}) did not listen on {} within 30 s",
                bolt.addr
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        bolt
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Bolt {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One look at a process: its open file descriptors and resident memory.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub at: Instant,
    pub open_files: usize,
    pub rss_kb: u64,
}

/// Samples a process every 100 ms from a thread of its own, until dropped.
pub struct Sampler {
    samples: Arc<Mutex<Vec<Sample>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    pub const EVERY: Duration = Duration::from_millis(100);

    /// Starts sampling `pid`, with its first sample taken before this returns (the process
    /// at rest, for the "idle" figures).
    pub fn start(pid: u32) -> Sampler {
        let first = look(pid).into_iter().collect();
        let samples: Arc<Mutex<Vec<Sample>>> = Arc::new(Mutex::new(first));
        let stop: Arc<AtomicBool> = Arc::default();
        let thread = {
            let (samples, stop) = (samples.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(sample) = look(pid) {
                        samples.lock().expect("never poisoned").push(sample);
                    }
                    std::thread::sleep(Self::EVERY);
                }
            })
        };
        Sampler {
            samples,
            stop,
            thread: Some(thread),
        }
    }

    /// The highest open-file count and resident memory (kB) seen since `from`.
    pub fn peak_since(&self, from: Instant) -> (usize, u64) {
        self.samples
            .lock()
            .expect("never poisoned")
            .iter()
            .filter(|s| s.at >= from)
            .fold((0, 0), |(files, rss), s| {
                (files.max(s.open_files), rss.max(s.rss_kb))
            })
    }

    /// The most recent sample.
    pub fn latest(&self) -> Option<Sample> {
        self.samples.lock().expect("never poisoned").last().copied()
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `/proc/PID/fd` entries and `VmRSS`; nothing once the process is gone.
fn look(pid: u32) -> Option<Sample> {
    let open_files = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())?;
    Some(Sample {
        at: Instant::now(),
        open_files,
        rss_kb,
    })
}

/// An error and what caused it, on one line: reqwest's own message says only "error sending
/// request".
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(&format!(": {e}"));
        cause = e.source();
    }
    text
}

/// The nearest-rank percentile of sorted samples, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

/// A client that never goes through a proxy: every target is on loopback.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client")
}
