//! A script standing in for a platform's command line (kubectl, ssh): it records every call's
//! arguments and prints numbered lines, so a test sees exactly what warroom ran and how often.

use std::path::{Path, PathBuf};

/// `DIR/kubectl`, which appends its arguments to `DIR/ran` and prints `1` to `lines`.
pub fn script(dir: &Path, lines: usize) -> String {
    let path = dir.join("kubectl");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> {}\nseq 1 {lines}\n",
            ran_file(dir).display()
        ),
    )
    .expect("write the stand-in script");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .expect("make the stand-in executable");
    path.display().to_string()
}

fn ran_file(dir: &Path) -> PathBuf {
    dir.join("ran")
}

/// The arguments of every call so far, one line per call.
pub fn calls(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(ran_file(dir))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}
