//! `warroom console` end to end: the real binary, piped input, real databases.

use warroom_tests::binary::{Run, answered, stderr, stdout};
use warroom_tests::both_backends;
use warroom_tests::db::TestDb;

/// Runs a console session in the test's directory, acting as `actor`.
fn console(db: &TestDb, actor: &str, input: &str) -> String {
    let output = Run::new(db.dir.path(), &["console", "--as", actor])
        .env("DATABASE_URL", &db.url)
        .stdin(input)
        .output();
    answered(&output)
}

both_backends!(
    an_incident_is_worked_across_sessions_and_written_up,
    |db: TestDb| async move {
        let out = console(
            &db,
            "alice",
            "/incident p1 API returns 502 on checkout\n\
         /incident lead @carol\n",
        );
        assert!(
            out.contains("INC-1 P1 · API returns 502 on checkout"),
            "{out}"
        );
        assert!(
            out.contains("respond within 15m · acknowledge within 5m · update every 30m"),
            "{out}"
        );

        // A second person, a second process: everything is still there.
        let out = console(
            &db,
            "bob",
            "/incident ack\n\
         /warroom incident note \"rolled back to v41\"\n\
         /incident sev p2\n\
         /incident status monitoring\n\
         /incident action add an alert on 5xx rate\n\
         /incident resolve rollback fixed it\n\
         /incident timeline\n",
        );
        assert!(out.contains("acknowledged by bob"), "{out}");
        assert!(out.contains("severity P1 → P2 by bob"), "{out}");
        assert!(out.contains("Post-mortem due by"), "{out}");
        for what in [
            "declared P1: API returns 502 on checkout",
            "lead set to carol",
            "note: rolled back to v41",
            "status investigating → monitoring",
            "follow-up: add an alert on 5xx rate",
            "resolved: rollback fixed it",
        ] {
            assert!(out.contains(what), "timeline lacks {what:?}:\n{out}");
        }
        assert!(
            out.contains(" UTC  alice  "),
            "timeline rows carry the date, time and actor:\n{out}"
        );

        let pm = Run::new(db.dir.path(), &["postmortem", "INC-1"])
            .env("DATABASE_URL", &db.url)
            .output();
        assert!(pm.status.success(), "{}", stderr(&pm));
        let md = stdout(&pm);
        assert!(
            md.starts_with("# Post-mortem: INC-1 — API returns 502 on checkout\n"),
            "{md}"
        );
        for section in [
            "## Severity history",
            "## Key times",
            "## Summary\n\nrollback fixed it",
            "## Impact",
            "## Timeline",
            "## Actions taken",
            "## Follow-up items\n\n- [ ] add an alert on 5xx rate (bob,",
            "## Participants\n\n- alice (2 timeline entries)\n- bob (6 timeline entries)",
            "## Root cause",
            "## What went well",
            "## What went badly",
        ] {
            assert!(md.contains(section), "post-mortem lacks {section:?}:\n{md}");
        }
        let in_chat = console(&db, "carol", "/incident postmortem 1\n");
        assert!(
            in_chat.contains(&md),
            "the chat draft and the CLI draft are the same"
        );
    }
);

both_backends!(
    bad_input_gets_one_sentence_and_changes_nothing,
    |db: TestDb| async move {
        console(&db, "alice", "/incident p2 checkout slow\n");
        let huge = "x".repeat(100 * 1024);
        let out = console(
            &db,
            "alice",
            &format!(
                "/incidnet note typo\n\
             /incident nte typo\n\
             /incident p9 down\n\
             /incident sev p7\n\
             /incident status fixed\n\
             /incident note {huge}\n\
             /incident note bell\u{7}ring\n\
             /incident p1 second one\n\
             /incident reopen\n\
             /incident lead \"bob\n\
             /incident    \n"
            ),
        );
        for expected in [
            "error: There is no command `/incidnet`. Did you mean `/incident`?",
            "error: `nte` is neither a severity nor an incident command. Did you mean `/incident note`?",
            "Did you mean `/incident p1 ...`?",
            "error: `p7` is not a severity",
            "error: `fixed` is not a status",
            "error: A note can be at most 3000 characters and this one has 102400",
            "error: A note may not contain control characters (found U+0007)",
            "error: This channel already has an open incident, INC-1 P2 checkout slow (investigating)",
            "error: INC-1 is open (investigating), so there is nothing to reopen.",
            "error: The quote \" at column 16 is never closed",
            "  /incident note bell\u{FFFD}ring\n",
            "error: Say what to do",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
        }
        assert!(
            out.contains("  /incident nte typo\n            ^^^\n"),
            "caret under the bad word:\n{out}"
        );
        assert!(
            !out.contains(&huge),
            "the oversized note is not echoed back"
        );
        let timeline = console(&db, "alice", "/incident timeline\n");
        assert!(
            timeline.contains("1 entries"),
            "nothing was added:\n{timeline}"
        );
    }
);

both_backends!(transitions_are_validated, |db: TestDb| async move {
    let out = console(
        &db,
        "alice",
        "/incident note nothing here yet\n\
         /incident p3 logs delayed\n\
         /incident ack\n\
         /incident ack\n\
         /incident resolve\n\
         /incident resolve\n\
         /incident note after the fact\n\
         /incident reopen\n\
         /incident note back on it\n",
    );
    assert!(
        out.contains("error: There is no incident in this channel"),
        "{out}"
    );
    assert!(
        out.contains("error: INC-1 was already acknowledged by alice at"),
        "{out}"
    );
    assert!(
        out.contains("error: INC-1 is already resolved (since"),
        "{out}"
    );
    assert!(
        out.contains("error: INC-1 in this channel is resolved; `/incident reopen` it first"),
        "{out}"
    );
    assert!(
        out.contains("reopened by alice; status investigating"),
        "{out}"
    );
    assert!(out.contains("note by alice: back on it"), "{out}");
});

both_backends!(
    channels_are_separate_and_list_spans_them,
    |db: TestDb| async move {
        let run = |channel: &str, input: &str| {
            let output = Run::new(
                db.dir.path(),
                &["console", "--as", "alice", "--channel", channel],
            )
            .env("DATABASE_URL", &db.url)
            .stdin(input)
            .output();
            stdout(&output)
        };
        run("payments", "/incident major card payments failing\n");
        run("search", "/incident low search typo\n/incident resolve\n");
        let open = run("anywhere", "/incident list\n");
        assert!(
            open.contains("INC-1") && open.contains("#payments"),
            "{open}"
        );
        assert!(!open.contains("INC-2"), "{open}");
        let all = run("anywhere", "/incident list --all\n/incident show INC-2\n");
        assert!(all.contains("INC-2") && all.contains("#search"), "{all}");
        assert!(all.contains("Status:       resolved"), "{all}");
    }
);

#[test]
fn no_configuration_at_all_uses_warroom_db_in_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let output = Run::new(dir.path(), &["console"])
        .stdin("/help\n/incident p4 button misaligned\n")
        .output();
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("warroom commands"), "{out}");
    assert!(out.contains("INC-1 P4 · button misaligned"), "{out}");
    assert!(out.contains("by tester"), "$USER is the actor:\n{out}");
    assert!(
        dir.path().join("warroom.db").exists(),
        "the embedded default store is ./warroom.db"
    );
}

#[test]
fn a_line_that_is_not_utf8_is_refused_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = b"/incident p2 checkout slow\n".to_vec();
    input.extend_from_slice(b"/incident note caf\xe9 \xff\xfe broken\n");
    input.extend_from_slice(b"/incident note after the bad line\n");
    let output = Run::new(dir.path(), &["console"])
        .env("RUST_LOG", "debug")
        .stdin_bytes(&input)
        .output();
    // A script learns from the status that something failed, and from stderr how much.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.ends_with("warroom: 1 of 3 commands failed; their errors are above.\n"),
        "{err}"
    );
    // Logs piped to a file or another program carry no colour codes.
    assert!(err.lines().count() > 1 && !err.contains('\x1b'), "{err}");
    let out = stdout(&output);
    assert!(
        out.contains(
            "error: Line 2 is not valid UTF-8, so it was not run; type or save it as UTF-8 text and send it again.\n"
        ),
        "{out}"
    );
    assert_eq!(out.matches("error:").count(), 1, "one sentence:\n{out}");
    assert!(
        out.contains("note by tester: after the bad line"),
        "the line after it ran:\n{out}"
    );
    let timeline = Run::new(dir.path(), &["console"])
        .stdin("/incident timeline\n")
        .output();
    let timeline = stdout(&timeline);
    assert!(
        timeline.contains("2 entries") && !timeline.contains("broken"),
        "the declaration and the later note, nothing of the bad line:\n{timeline}"
    );
}

#[test]
fn a_read_only_database_is_explained_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let ok = Run::new(dir.path(), &["console"])
        .stdin("/incident p2 kept\n")
        .output();
    assert!(ok.status.success(), "{}", stderr(&ok));
    // File modes do not stop root (CI runs as root), so open the file read-only the way
    // SQLite itself does when it cannot write.
    let url = format!(
        "sqlite://{}?mode=ro",
        dir.path().join("warroom.db").display()
    );
    let out = Run::new(dir.path(), &["console"])
        .env("DATABASE_URL", &url)
        .stdin("/incident note lost?\n/incident sev p1\n")
        .output();
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(text.contains("read-only"), "{text}");
    let after = Run::new(dir.path(), &["console"])
        .stdin("/incident timeline\n/incident show\n")
        .output();
    let after = stdout(&after);
    assert!(
        after.contains("1 entries") && after.contains("P2"),
        "nothing changed:\n{after}"
    );
}

#[test]
fn a_corrupt_database_file_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("warroom.db"), vec![0x5a; 8192]).unwrap();
    let out = Run::new(dir.path(), &["console"]).stdin("/help\n").output();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("is not a SQLite database or is corrupt"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one sentence:\n{err}");
    assert_eq!(
        std::fs::read(dir.path().join("warroom.db")).unwrap(),
        vec![0x5a; 8192],
        "the file is left as it was"
    );
}

#[test]
fn a_postgres_that_refuses_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = Run::new(dir.path(), &["console"])
        .env(
            "DATABASE_URL",
            "postgres://postgres:hunter2@127.0.0.1:9/warroom",
        )
        .stdin("/help\n")
        .output();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("the connection was refused"), "{err}");
    assert!(
        err.contains("postgres://postgres:***@127.0.0.1:9/warroom"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "the password is redacted:\n{err}");
}

#[test]
fn a_missing_postgres_database_is_one_sentence_that_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = Run::new(dir.path(), &["console"])
        .env(
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/warroom_never_created",
        )
        .stdin("/help\n")
        .output();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("does not exist. Create it (createdb)"),
        "{err}"
    );
    assert_eq!(
        err.matches("does not exist").count(),
        1,
        "said once:\n{err}"
    );
}

#[test]
fn a_bad_database_url_without_a_file_does_not_blame_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let out = Run::new(dir.path(), &["check-config"])
        .env("DATABASE_URL", "mysql://x")
        .output();
    let err = stderr(&out);
    assert!(
        err.starts_with("The configuration (built-in defaults and the environment; no warroom.toml) has 1 problem:")
            && err.contains("DATABASE_URL: `mysql://x` is not a database URL"),
        "{err}"
    );
}
