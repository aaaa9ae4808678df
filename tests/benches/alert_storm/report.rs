//! The alert storm's table: both backends side by side, then one line per goal with its
//! verdict and the figure it was judged on.

use std::time::Duration;

use warroom_tests::bench::{percentile, warroom_binary};

use super::{
    ALERTS, CardSeen, GOAL_CARD, GOAL_GAP, GOAL_P99_MS, GOAL_RATE, PER_WEBHOOK, SENDERS, SERVICES,
    Storm, channel,
};

impl Storm {
    /// Alerts stored a second, from the first webhook sent until all were stored.
    fn rate(&self) -> Option<f64> {
        self.all_stored
            .map(|d| self.stored as f64 / d.as_secs_f64())
    }

    fn worst_card(&self) -> Option<Duration> {
        self.cards.iter().map(|c| c.after).max().flatten()
    }

    fn smallest_gap(&self) -> Option<Duration> {
        self.cards.iter().filter_map(CardSeen::smallest_gap).min()
    }
}

fn secs(d: Option<Duration>) -> String {
    d.map_or("NOT".into(), |d| format!("{:.2}", d.as_secs_f64()))
}

fn ms(d: Option<Duration>) -> String {
    d.map_or("NOT".into(), |d| format!("{:.0}", d.as_secs_f64() * 1000.0))
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

pub(super) fn report(runs: &[Storm]) {
    println!(
        "alert_storm: {ALERTS} alerts as {} Alertmanager webhooks of {PER_WEBHOOK}, {} groups \
         each routed to its own channel, {SENDERS} senders (closed loop), {} cores shared by \
         the senders, warroom, the database and the fake Slack; warroom = {}",
        ALERTS / PER_WEBHOOK,
        SERVICES.len(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        warroom_binary().display(),
    );
    println!(
        "  {:<9} {:>5} {:>8} {:>8} {:>8} {:>10} {:>9} {:>11} {:>10} {:>9} {:>9} {:>7} {:>8}",
        "backend",
        "200s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "answered s",
        "stored/s",
        "all stored s",
        "1st card s",
        "inbox s",
        "outbox s",
        "peak MB",
        "peak fds"
    );
    for r in runs {
        println!(
            "  {:<9} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>10.2} {:>9.0} {:>11} {:>10} {:>9} {:>9} {:>7.1} {:>8}",
            r.backend,
            r.latencies.len(),
            percentile(&r.latencies, 50.0),
            percentile(&r.latencies, 99.0),
            percentile(&r.latencies, 100.0),
            r.answered.as_secs_f64(),
            r.rate().unwrap_or(f64::NAN),
            secs(r.all_stored),
            secs(r.first_card),
            secs(r.inbox_drained),
            secs(r.outbox_drained),
            r.peak_rss_kb as f64 / 1024.0,
            r.peak_files,
        );
    }
    println!(
        "  per incident: first webhook of its group → its card (ms) | chat.updates until the \
         outbox drained (smallest gap between two, s)"
    );
    for (group, service) in SERVICES.iter().enumerate() {
        let mut line = format!("  {service:<9} {:<11}", channel(group));
        for r in runs {
            let card = &r.cards[group];
            line.push_str(&format!(
                " {}: {:>6} ms | {:>3} updates ({} s)  ",
                r.backend,
                ms(card.after),
                card.updates.len(),
                secs(card.smallest_gap()),
            ));
        }
        println!("{line}");
    }
    for r in runs {
        println!(
            "  {}: first alert stored after {} s; warroom used {} s of processor until drained \
             ({}% of one core); at most {} inbox rows running at once; {} alerts stored, {} in \
             an incident; {} incidents ({:?} per channel); {} paced 429s at the fake; {} ERROR \
             lines logged",
            r.backend,
            secs(r.first_stored),
            secs(r.cpu),
            r.cpu
                .zip(r.outbox_drained)
                .map_or("-".into(), |(cpu, wall)| format!(
                    "{:.0}",
                    100.0 * cpu.as_secs_f64() / wall.as_secs_f64()
                )),
            r.most_running,
            r.stored,
            r.in_incidents,
            r.incidents,
            r.per_channel,
            r.paced_refusals,
            r.errors_logged.len(),
        );
    }
    if let [a, b] = runs {
        println!(
            "  {} ÷ {}: stored/s {:.2}×, webhook p50 {:.2}×, p99 {:.2}×",
            b.backend,
            a.backend,
            b.rate().unwrap_or(f64::NAN) / a.rate().unwrap_or(f64::NAN),
            percentile(&b.latencies, 50.0) / percentile(&a.latencies, 50.0),
            percentile(&b.latencies, 99.0) / percentile(&a.latencies, 99.0),
        );
    }
    let goal = |name: &str, each: &dyn Fn(&Storm) -> (bool, String)| {
        let said: Vec<String> = runs
            .iter()
            .map(|r| {
                let (met, figure) = each(r);
                format!("{} {} ({figure})", r.backend, verdict(met))
            })
            .collect();
        println!("  goal: {name}: {}", said.join("; "));
    };
    goal(&format!("≥ {GOAL_RATE:.0} alerts/s stored"), &|r| {
        let rate = r.rate();
        (
            rate.is_some_and(|x| x >= GOAL_RATE),
            rate.map_or("not all stored".into(), |x| {
                format!("{x:.0}/s, {:.2}× the goal", x / GOAL_RATE)
            }),
        )
    });
    goal(&format!("webhook p99 ≤ {GOAL_P99_MS:.0} ms"), &|r| {
        let p99 = percentile(&r.latencies, 99.0);
        (p99 <= GOAL_P99_MS, format!("{p99:.2} ms"))
    });
    goal("first card ≤ 1 s after the first webhook", &|r| {
        (
            r.first_card.is_some_and(|d| d <= GOAL_CARD),
            format!("{} s", secs(r.first_card)),
        )
    });
    goal("every card ≤ 1 s after its group's first webhook", &|r| {
        let worst = r.worst_card();
        let all = r.cards.iter().all(|c| c.after.is_some());
        (
            all && worst.is_some_and(|d| d <= GOAL_CARD),
            format!("worst {} s", secs(worst)),
        )
    });
    goal("one incident per group", &|r| {
        let met = r.incidents == SERVICES.len() && r.per_channel.iter().all(|n| *n == 1);
        (
            met,
            format!("{} for {} groups", r.incidents, SERVICES.len()),
        )
    });
    goal("every alert stored", &|r| {
        (
            r.stored == ALERTS as i64,
            format!("{} of {ALERTS}", r.stored),
        )
    });
    goal("at most one card update per 2 s per incident", &|r| {
        let gap = r.smallest_gap();
        let most = r.cards.iter().map(|c| c.updates.len()).max().unwrap_or(0);
        (
            gap.is_none_or(|g| g >= GOAL_GAP),
            format!(
                "smallest gap {} s, at most {most} updates of one card",
                secs(gap)
            ),
        )
    });
}
