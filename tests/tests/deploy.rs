//! The shipped deployment files hold what they promise: the systemd unit's sandbox is rated by
//! systemd's own assessment, not by reading the unit.

use std::path::Path;
use std::process::Command;

/// The exposure `systemd-analyze security` gives the unit: 0 (locked down) to 10 (exposed).
fn exposure(unit: &Path) -> f64 {
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(unit)
        .output()
        .unwrap_or_else(|e| {
            panic!("systemd-analyze could not run ({e}); install systemd (`apt-get install -y systemd`)")
        });
    let text = String::from_utf8_lossy(&out.stdout);
    let overall = text
        .lines()
        .find_map(|l| l.split_once("Overall exposure level for warroom.service:"))
        .unwrap_or_else(|| panic!("no overall exposure in: {text}"))
        .1;
    overall
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number in {overall:?}"))
}

#[test]
fn the_systemd_unit_is_rated_three_or_better() {
    let unit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/warroom.service");
    let score = exposure(&unit);
    assert!(score <= 3.0, "systemd-analyze rates the unit {score}");
}

#[test]
fn the_systemd_unit_creates_its_user_and_documents_every_directive() {
    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/warroom.service"),
    )
    .unwrap();
    assert!(unit.contains("\nDynamicUser=yes\n") && unit.contains("\nStateDirectory=warroom\n"));
    // Every directive of [Service] sits under a comment that says why.
    let service = unit.split("[Service]").nth(1).unwrap();
    let service = service.split("[Install]").next().unwrap();
    let mut commented = false;
    for line in service.lines() {
        if line.starts_with('#') {
            commented = true;
        } else if line.trim().is_empty() {
            commented = false;
        } else {
            assert!(commented, "no comment says why: {line}");
        }
    }
}
