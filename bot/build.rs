//! Stamps the binary with what it was built from, for `warroom --version`: an operator asked
//! which build runs in production answers with the commit, not just `0.1.0`.
//!
//! The commit comes from git when the source is a checkout, else from `WARROOM_COMMIT` (the
//! container build passes it, since the image's context has no `.git`), else `unknown`.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])
        .or_else(|| {
            std::env::var("WARROOM_COMMIT")
                .ok()
                .filter(|c| !c.is_empty())
        })
        .unwrap_or_else(|| "unknown".into());
    let built = chrono::Utc::now().format("%Y-%m-%d").to_string();
    println!("cargo:rustc-env=WARROOM_COMMIT={commit}");
    println!("cargo:rustc-env=WARROOM_BUILT={built}");
    println!("cargo:rerun-if-env-changed=WARROOM_COMMIT");
    // A new commit or checkout changes HEAD or the ref it points at.
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        println!("cargo:rerun-if-changed={dir}/HEAD");
        if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo:rerun-if-changed={dir}/{head}");
        }
    }
}
