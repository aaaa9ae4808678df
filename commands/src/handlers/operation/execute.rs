//! Running an operation's work through the ports, and what came of it.

use chrono::{DateTime, Utc};

use super::Work;
use crate::Core;
use crate::actions::output_digest;
use crate::timefmt;

/// What running an operation produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub ok: bool,
    /// One line: `exit 0 after 1s`, `could not start kubectl: ...`.
    pub summary: String,
    pub output: String,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
}

impl Outcome {
    pub fn digest(&self) -> String {
        output_digest(&self.output)
    }
}

pub async fn run(core: &Core, work: &Work) -> Outcome {
    let started = core.clock.now();
    let (ok, summary, output) = match work {
        Work::Argv { argv, timeout } => match core.runner.run(argv, *timeout).await {
            Ok(out) => {
                let code = out
                    .exit_code
                    .map_or("killed".to_string(), |c| format!("exit {c}"));
                let mut output = out.stdout;
                if !out.stderr.is_empty() {
                    if !output.is_empty() && !output.ends_with('\n') {
                        output.push('\n');
                    }
                    output.push_str(&out.stderr);
                }
                (out.exit_code == Some(0), code, output)
            }
            Err(e) => (false, e.to_string(), String::new()),
        },
    };
    let finished = core.clock.now();
    Outcome {
        ok,
        summary: format!("{summary} after {}", timefmt::duration(finished - started)),
        output,
        started,
        finished,
    }
}
