//! The command line: `warroom serve | console | migrate | check-config | audit | postmortem ID`.
//!
//! Every failure ends in one sentence on stderr and a non-zero exit status, never a backtrace:
//! the person reading it is setting warroom up, often in a hurry.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use warroom_commands::incident::IncidentId;
use warroom_commands::ports::{ActionStore, IncidentStore};
use warroom_commands::redact::Redactor;
use warroom_integrations::Store;
use warroom_integrations::store::redact;

use crate::app::App;
use crate::config::{self, Loaded, Source};
use crate::{console, logging};

/// `0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-02)`: which build this is, for `--version`.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("WARROOM_COMMIT"),
    ", built ",
    env!("WARROOM_BUILT"),
    ")"
);

/// Declare and work incidents from Slack, Discord or this terminal, page whoever must know,
/// and run operations on your services with a confirmation before anything destructive.
///
/// Start with `warroom console` (no configuration needed), then copy config.example.toml to
/// warroom.toml for services, access and chat, check it with `warroom check-config`, and run
/// `warroom serve`.
#[derive(Debug, Parser)]
#[command(name = "warroom", version = VERSION, propagate_version = true)]
pub struct Cli {
    /// Configuration file. Default ./warroom.toml; without it, built-in defaults apply.
    #[arg(long, global = true, value_name = "PATH", env = "WARROOM_CONFIG")]
    pub config: Option<PathBuf>,

    /// How log lines are written to stderr: text for people, json for a log pipeline.
    #[arg(long, global = true, value_enum, default_value_t = logging::Format::Text, env = "WARROOM_LOG_FORMAT")]
    pub log_format: logging::Format,

    #[command(subcommand)]
    pub command: CliCommand,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Serve the Slack and Discord webhooks, the incident pages, /healthz, /readyz and
    /// /metrics on server.listen, and run the escalation scheduler, until Ctrl-C or SIGTERM;
    /// running operations are finished first.
    Serve,
    /// Work incidents from this terminal, with the same commands as Slack and Discord.
    ///
    /// Reads commands line by line; piped input works too: printf '/incident p1 api down\n' | warroom console
    Console(console::ConsoleArgs),
    /// Apply database migrations and exit (every other command applies them on start too).
    Migrate,
    /// Check the configuration and report every problem at once.
    CheckConfig,
    /// Print the audit log: every operation requested, refused, confirmed, cancelled and run.
    Audit {
        /// Only entries since then: a duration back from now (24h, 7d) or an RFC 3339 time.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Only entries about this service.
        #[arg(long, value_name = "NAME")]
        service: Option<String>,
    },
    /// Print an incident's post-mortem draft (Markdown) to stdout.
    Postmortem {
        /// The incident: INC-7, #7 or 7.
        incident: String,
    },
}

/// Runs the parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    let loaded = match config::load(cli.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::FAILURE;
        }
    };
    // After the configuration, so that its secrets are masked in the log too.
    logging::init(
        match cli.command {
            CliCommand::Console(_) | CliCommand::Postmortem { .. } | CliCommand::Audit { .. } => {
                "warn"
            }
            _ => "info",
        },
        cli.log_format,
        Redactor::new(loaded.config.secrets.clone()),
    );
    if let CliCommand::CheckConfig = cli.command {
        return check_config(&loaded);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("warroom could not start its async runtime: {e}.");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            CliCommand::Console(args) => {
                let app = App::start(loaded.config).await?;
                console::run(&app, args).await
            }
            CliCommand::Migrate => migrate(&loaded).await,
            CliCommand::Serve => serve(loaded).await,
            CliCommand::Postmortem { incident } => postmortem(loaded, &incident).await,
            CliCommand::Audit { since, service } => audit(loaded, since, service).await,
            CliCommand::CheckConfig => unreachable!("handled before the runtime starts"),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(loaded: Loaded) -> anyhow::Result<ExitCode> {
    crate::server::install_crypto_provider();
    let app = std::sync::Arc::new(App::start(loaded.config).await?);
    let running = crate::server::start(app.clone(), None).await?;
    let slack = &app.config.slack;
    tracing::info!(
        addr = %running.addr,
        slack = if slack.enabled() { slack.mode.as_str() } else { "off" },
        time_zone = %app.config.escalation.zone(),
        "warroom is serving"
    );
    if let Some(warning) = app.config.escalation.zone_warning() {
        tracing::warn!("[escalation] utc_offset: {warning}");
    }
    running.task.await??;
    let grace = app.config.server.shutdown_grace;
    match crate::work::finish(grace).await {
        0 => tracing::info!("every running operation finished"),
        left => tracing::warn!(
            left,
            grace = ?grace,
            "operations still running when the shutdown grace ran out; check their outcome in `warroom audit`"
        ),
    }
    app.store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

fn check_config(loaded: &Loaded) -> ExitCode {
    let from = match &loaded.source {
        Source::File(path) => path.display().to_string(),
        Source::BuiltInDefaults => "built-in defaults (no warroom.toml found)".to_string(),
    };
    println!("Configuration OK: {from}");
    println!("  database: {}", redact(&loaded.config.database.url));
    println!("  server.listen: {}", loaded.config.server.listen);
    let escalation = &loaded.config.escalation;
    if escalation.oncall.is_empty() && escalation.lead.is_empty() {
        println!(
            "  escalation: nobody to page, so levels only remind the channel (set [escalation] oncall and lead)"
        );
    } else {
        println!(
            "  escalation: on-call {}, lead {}",
            escalation.oncall.join(" "),
            escalation.lead.join(" ")
        );
    }
    match escalation.zone_warning() {
        None => println!("  time zone: {}", escalation.zone()),
        Some(warning) => println!("  time zone: {}: {warning}", escalation.zone()),
    }
    // Who the rota puts on call, as the layers say (overrides live in the database, which
    // check-config does not open).
    let now = chrono::Utc::now();
    for schedule in &loaded.config.schedules.list {
        println!(
            "  schedules.{} ({}): {}",
            schedule.name,
            schedule.zone,
            schedule.summary(now, &[])
        );
    }
    // Names only: what each service's argv commands get from warroom's environment.
    for service in loaded.config.services.services.values() {
        if !service.actions.is_empty() || !service.ops.is_empty() {
            println!(
                "  services.{}: argv commands get {}",
                service.name,
                service.command_env().join(" ")
            );
        }
    }
    let alerts = &loaded.config.alerts;
    let routes = alerts.routes.routes.len();
    match alerts.sources().as_slice() {
        [] => println!(
            "  alerts: no source may send (set [alerts] token, grafana_secret or routing_keys); {routes} route(s)"
        ),
        open => println!("  alerts: {} open; {routes} route(s)", open.join(", ")),
    }
    let auth = loaded.config.web.auth();
    let on = |set: bool| if set { "on" } else { "off" };
    println!(
        "  incident pages: signed links {}, bearer token {}, basic auth {}",
        on(auth.link_secret.is_some()),
        on(auth.bearer_token.is_some()),
        on(auth.basic.is_some())
    );
    ExitCode::SUCCESS
}

async fn migrate(loaded: &Loaded) -> anyhow::Result<ExitCode> {
    let url = &loaded.config.database.url;
    let store = Store::connect(url).await?;
    let applied = store.migrate().await?;
    println!(
        "{} database {}: {}",
        store.backend(),
        redact(url),
        match applied {
            0 => "already up to date".to_string(),
            1 => "applied 1 migration".to_string(),
            n => format!("applied {n} migrations"),
        }
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn postmortem(loaded: Loaded, incident: &str) -> anyhow::Result<ExitCode> {
    let Some(id) = IncidentId::parse(incident) else {
        anyhow::bail!("`{incident}` is not an incident id; write it like INC-7 or 7.");
    };
    let app = App::start(loaded.config).await?;
    let Some(found) = app.store.get(id).await? else {
        anyhow::bail!(
            "There is no incident {id}; `warroom console` then `/incident list --all` shows every incident."
        );
    };
    let timeline = app.store.timeline(id).await?;
    print!(
        "{}",
        warroom_commands::postmortem::render(&found, &timeline, &app.core.policy)
    );
    app.store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn audit(
    loaded: Loaded,
    since: Option<String>,
    service: Option<String>,
) -> anyhow::Result<ExitCode> {
    let since = since
        .map(|text| crate::audit::parse_since(&text, chrono::Utc::now()))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let app = App::start(loaded.config).await?;
    let entries = app
        .store
        .audit_log(&crate::audit::filter(since, service))
        .await?;
    print!("{}", crate::audit::render(&entries));
    app.store.close().await;
    Ok(ExitCode::SUCCESS)
}
