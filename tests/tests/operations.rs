//! `/rollback`, `/restart`, `/scale`, `/logs`, `/version` through a real program standing in
//! for kubectl, driven from the real binary.

use std::path::Path;

use warroom_tests::binary::{Run, answered, confirmation_token};

/// A stand-in for kubectl: records its arguments, one run per line, and prints canned output.
fn fake_kubectl(dir: &Path) -> std::path::PathBuf {
    let script = dir.join("kubectl");
    let log = dir.join("kubectl.log");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s|' \"$@\" >> {log}\necho >> {log}\n\
             case \"$1\" in\n\
               logs) printf '2026-11-22T03:00:01Z INFO started\\n2026-11-22T03:00:02Z ERROR upstream 502\\n2026-11-22T03:00:03Z INFO ok\\n2026-11-22T03:00:04Z ERROR timeout\\n' ;;\n\
               version) echo 'image: api:v42' ;;\n\
               *) echo \"kubectl $*\" ;;\n\
             esac\n",
            log = log.display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    script
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let kubectl = fake_kubectl(dir.path()).display().to_string();
    std::fs::write(
        dir.path().join("warroom.toml"),
        format!(
            r#"
{policy}

[services.api]
environment = "production"

[services.api.rollback]
argv = ["{k}", "rollout", "undo", "deployment/api"]
argv_to = ["{k}", "rollout", "undo", "deployment/api", "--to-revision={{to}}"]

[services.api.restart]
argv = ["{k}", "rollout", "restart", "deployment/api"]
argv_instance = ["{k}", "delete", "pod", "{{instance}}"]

[services.api.scale]
argv = ["{k}", "scale", "deployment/api", "--replicas={{count}}"]

[services.api.logs]
argv = ["{k}", "logs", "deployment/api", "--since={{since}}", "--timestamps"]

[services.api.version]
argv = ["{k}", "version"]
"#,
            k = kubectl,
            policy = warroom_tests::ONCALL_POLICY
        ),
    )
    .unwrap();
    let log = dir.path().join("kubectl.log");
    (dir, log)
}

fn console(dir: &Path, actor: &str, input: &str) -> String {
    let out = Run::new(dir, &["console", "--as", actor])
        .stdin(input)
        .output();
    answered(&out)
}

fn runs(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn reads_run_at_once_with_filters_and_checked_values() {
    let (dir, log) = setup();
    let out = console(
        dir.path(),
        "carol",
        "/logs api --since 30m --grep ERROR --limit 1\n/version api\n/logs api --since 2099-01-01T00:00:00Z\n/deploys api\n/logs api --grep (\n/logs api --until 5m\n",
    );
    assert!(out.contains("[1 earlier matching lines left out"), "{out}");
    assert!(
        out.contains("ERROR timeout") && !out.contains("INFO ok"),
        "{out}"
    );
    assert!(out.contains("image: api:v42"), "{out}");
    assert!(out.contains("is in the future"), "{out}");
    assert!(
        out.contains("api has no deploys configured: add [services.api.deploys]"),
        "{out}"
    );
    assert!(out.contains("is not a valid pattern"), "{out}");
    assert!(
        out.contains("--until works with CloudWatch logs only"),
        "{out}"
    );
    assert_eq!(
        runs(&log),
        [
            "logs|deployment/api|--since=1800s|--timestamps|",
            "version|"
        ],
        "only the valid reads ran, with the duration filled in"
    );
}

#[test]
fn destructive_operations_wait_for_a_second_person_and_run_once() {
    let (dir, log) = setup();
    let card = console(dir.path(), "alice", "/rollback api --to 41\n");
    assert!(
        card.contains("--to-revision=41"),
        "the plan shows the exact argv:\n{card}"
    );
    assert!(runs(&log).is_empty(), "nothing ran before confirmation");
    let tok = confirmation_token(&card);
    let done = console(
        dir.path(),
        "bob",
        &format!("confirm {tok}\nconfirm {tok}\n"),
    );
    assert!(done.contains("✅ api/rollback"), "{done}");
    assert!(done.contains("Already confirmed by bob"), "{done}");

    let scale = console(dir.path(), "alice", "/scale api 3\n");
    console(
        dir.path(),
        "bob",
        &format!("confirm {}\n", confirmation_token(&scale)),
    );
    let restart_one = console(dir.path(), "alice", "/restart api --instance api-7d9-x2\n");
    assert!(
        restart_one.contains("✅ api/restart"),
        "restarting one instance is operate: runs at once\n{restart_one}"
    );
    assert_eq!(
        runs(&log),
        [
            "rollout|undo|deployment/api|--to-revision=41|",
            "scale|deployment/api|--replicas=3|",
            "delete|pod|api-7d9-x2|",
        ]
    );
}

#[test]
fn bad_input_runs_nothing() {
    let (dir, log) = setup();
    let out = console(
        dir.path(),
        "alice",
        "/rollback apj\n/rollback api --to '$(reboot)'\n/restart api --instance --all\n/scale api -1\n/rollback api --dry-run\n",
    );
    assert!(
        out.contains("There is no service `apj`. Did you mean `api`?"),
        "{out}"
    );
    assert!(out.contains("is not a valid revision"), "{out}");
    assert!(out.contains("is not a valid instance id"), "{out}");
    assert!(out.contains("is not a count"), "{out}");
    assert!(
        out.contains("Dry run (destructive): nothing was run"),
        "{out}"
    );
    assert!(runs(&log).is_empty(), "{:?}", runs(&log));
}
