use super::*;

#[test]
fn counters_and_histograms_render_as_prometheus_text() {
    let metrics = Metrics::default();
    metrics.command("health", Outcome::Ok, Duration::from_millis(250));
    metrics.command("health", Outcome::Ok, Duration::from_millis(250));
    metrics.command("rollback", Outcome::Refused, Duration::ZERO);
    metrics.refused("slack", "replayed");
    metrics.escalation("p1");
    metrics.confirmation(Duration::from_secs(3));
    metrics.integration("ecs", false, Duration::from_millis(500));
    metrics.chat_call(
        "slack",
        "chat.postMessage",
        "rate_limited",
        Duration::from_secs(2),
    );
    let text = metrics.render();
    for line in [
        "warroom_commands_total{command=\"health\",outcome=\"ok\"} 2\n",
        "warroom_commands_total{command=\"rollback\",outcome=\"refused\"} 1\n",
        "warroom_command_seconds_sum{command=\"health\"} 0.5\n",
        "warroom_command_seconds_count{command=\"health\"} 2\n",
        "warroom_command_seconds_bucket{command=\"health\",le=\"0.25\"} 2\n",
        "warroom_command_seconds_bucket{command=\"health\",le=\"0.1\"} 0\n",
        "warroom_requests_refused_total{transport=\"slack\",reason=\"replayed\"} 1\n",
        "warroom_escalations_total{severity=\"p1\"} 1\n",
        "warroom_confirmation_seconds_sum 3.0\n",
        "warroom_integration_seconds_count{integration=\"ecs\",result=\"error\"} 1\n",
        "warroom_chat_api_seconds_count{platform=\"slack\",method=\"chat.postMessage\",result=\"rate_limited\"} 1\n",
        "# TYPE warroom_jobs_total counter\n",
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }
}

#[test]
fn known_series_exist_at_zero_before_their_first_event() {
    let mut metrics = Metrics::default();
    metrics.describe_build("1a2b3c4d5e6f", "2026-12-02");
    metrics.expect_refusals("discord", &["bad_signature"]);
    let text = metrics.render();
    for line in [
        "warroom_commands_total{command=\"rollback\",outcome=\"failed\"} 0\n",
        "warroom_commands_total{command=\"unreadable\",outcome=\"refused\"} 0\n",
        "warroom_escalations_total{severity=\"p4\"} 0\n",
        "warroom_jobs_total{kind=\"escalate\",outcome=\"fired\"} 0\n",
        "warroom_integration_seconds_count{integration=\"ssm\",result=\"error\"} 0\n",
        "warroom_requests_refused_total{transport=\"discord\",reason=\"bad_signature\"} 0\n",
        "warroom_build_info{version=\"0.1.0\",commit=\"1a2b3c4d5e6f\",built=\"2026-12-02\"} 1\n",
        "warroom_open_incidents{severity=\"p1\"} 0\n",
        "warroom_pending_confirmations 0\n",
        "warroom_queued{queue=\"outbox\"} 0\n",
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }
}

#[test]
fn gauges_show_the_latest_backlog_and_connections() {
    let metrics = Metrics::default();
    metrics.backlog(&Backlog {
        open: vec![(Severity::P1, 2), (Severity::P3, 1)],
        confirmations: 1,
        inbox: 4,
        outbox: 5,
        jobs: 3,
    });
    // A later reading replaces the earlier: P1 went down to 1, P3 to none.
    metrics.backlog(&Backlog {
        open: vec![(Severity::P1, 1)],
        confirmations: 1,
        inbox: 4,
        outbox: 5,
        jobs: 3,
    });
    metrics.connections(&[("discord", false), ("slack", true)]);
    let text = metrics.render();
    for line in [
        "# TYPE warroom_open_incidents gauge\n",
        "warroom_open_incidents{severity=\"p1\"} 1\n",
        "warroom_open_incidents{severity=\"p3\"} 0\n",
        "warroom_pending_confirmations 1\n",
        "warroom_queued{queue=\"inbox\"} 4\n",
        "warroom_queued{queue=\"outbox\"} 5\n",
        "warroom_queued{queue=\"jobs\"} 3\n",
        "warroom_transport_connected{transport=\"discord\"} 0\n",
        "warroom_transport_connected{transport=\"slack\"} 1\n",
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }
}
