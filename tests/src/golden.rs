//! Golden files: what users see, pinned so a reviewer sees every change to it.
//! `UPDATE_GOLDEN=1 cargo test -p warroom-tests` rewrites them after an intended change.

use std::path::PathBuf;

/// Compares `actual` with `golden/NAME` (or writes it under UPDATE_GOLDEN).
pub fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(name);
    if updating() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing; run with UPDATE_GOLDEN=1 to write it",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} differs (UPDATE_GOLDEN=1 rewrites it after an intended change):\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// Whether this run rewrites golden files: only when `UPDATE_GOLDEN=1` exactly (`.ci/run`
/// unsets it), so a stray variable cannot turn every comparison into a rewrite.
pub fn updating() -> bool {
    std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1")
}

/// Pretty JSON with what changes from run to run (times, durations, ports, tokens) masked.
pub fn masked_json(value: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    let rules = [
        (r"<!date\^\d+\^", "<!date^<unix>^"),
        (r"<t:\d+:", "<t:<unix>:"),
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?( UTC)?", "<time>"),
        (r"\b\d{2}:\d{2}(:\d{2})? UTC\b", "<time>"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:<port>"),
        (r"/tmp/\.tmp[A-Za-z0-9]+", "<dir>"),
        (r"\b\d+ ms\b", "<n> ms"),
        (r"after \d+(ms|s|m)\b", "after <d>"),
        (r"\b[a-z0-9]{16}\b", "<token>"),
        // The fake Slack numbers messages in the order they arrive; a page and a card sent by
        // two workers at once may arrive either way round.
        (r#""ts": "\d+\.\d+""#, r#""ts": "<ts>""#),
    ];
    rules.iter().fold(text, |text, (pattern, with)| {
        regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&text, *with)
            .into_owned()
    })
}
