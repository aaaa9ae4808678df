//! Fakes of the platforms warroom operates through (argv, HTTP health, ECS, CloudWatch Logs,
//! SSM): each answers as scripted and records what it was asked, so a test sees exactly what
//! warroom would have done to production.

use std::sync::Mutex;

use async_trait::async_trait;

use crate::ports::{
    EcsChange, EcsPort, EcsState, EcsTarget, HealthPort, HttpProbe, OperationError, ProbeResult,
    RunOutput, RunPort,
};
use crate::ports::{InstanceRun, LogLine, LogPage, LogQuery, LogsPort, SsmPort};

/// A runner that records every argv it was asked to run and answers with a scripted output.
pub struct FakeRunner {
    pub runs: Mutex<Vec<Vec<String>>>,
    pub answer: Mutex<Result<RunOutput, OperationError>>,
}

impl Default for FakeRunner {
    fn default() -> Self {
        FakeRunner {
            runs: Mutex::new(Vec::new()),
            answer: Mutex::new(Ok(RunOutput {
                exit_code: Some(0),
                stdout: "done\n".into(),
                stderr: String::new(),
            })),
        }
    }
}

impl FakeRunner {
    pub fn run_count(&self) -> usize {
        self.runs.lock().unwrap().len()
    }
}

#[async_trait]
impl RunPort for FakeRunner {
    async fn run(
        &self,
        argv: &[String],
        _env: &[String],
        _timeout: std::time::Duration,
    ) -> Result<RunOutput, OperationError> {
        self.runs.lock().unwrap().push(argv.to_vec());
        self.answer.lock().unwrap().clone()
    }
}

/// Health answers scripted per URL; an unscripted URL answers as unreachable. `first` holds
/// answers given once each, in order, before the standing one in `answers`: a service that
/// recovers after a restart.
#[derive(Default)]
pub struct FakeHealth {
    pub answers: Mutex<std::collections::BTreeMap<String, ProbeResult>>,
    pub first: Mutex<std::collections::BTreeMap<String, Vec<ProbeResult>>>,
    /// How many probes were made.
    pub probes: std::sync::atomic::AtomicUsize,
}

#[async_trait]
impl HealthPort for FakeHealth {
    async fn probe_all(&self, probes: &[HttpProbe]) -> Vec<ProbeResult> {
        self.probes
            .fetch_add(probes.len(), std::sync::atomic::Ordering::SeqCst);
        let answers = self.answers.lock().unwrap();
        let mut first = self.first.lock().unwrap();
        probes
            .iter()
            .map(|p| {
                if let Some(queued) = first.get_mut(&p.url).filter(|q| !q.is_empty()) {
                    return queued.remove(0);
                }
                answers.get(&p.url).cloned().unwrap_or(ProbeResult {
                    url: p.url.clone(),
                    status: None,
                    latency: p.timeout,
                    reported: None,
                    components: Vec::new(),
                    error: Some("unreachable (fake)".into()),
                    cert_days_left: None,
                })
            })
            .collect()
    }
}

/// An ECS service in memory: revisions of one family, the running one, counts; changes apply
/// at once and are counted. While `down` holds an error, every call answers it, as ECS does
/// during an outage.
pub struct FakeEcs {
    pub state: Mutex<EcsState>,
    pub revisions: Vec<String>,
    pub updates: Mutex<Vec<EcsChange>>,
    pub down: Mutex<Option<OperationError>>,
}

impl FakeEcs {
    /// A service running `family:running` out of revisions 1..=newest, with 2 tasks.
    pub fn new(family: &str, running: u32, newest: u32) -> FakeEcs {
        FakeEcs {
            state: Mutex::new(EcsState {
                task_definition: format!("{family}:{running}"),
                desired: 2,
                running: 2,
                pending: 0,
                deployments: 1,
            }),
            revisions: (1..=newest)
                .rev()
                .map(|n| format!("{family}:{n}"))
                .collect(),
            updates: Mutex::new(Vec::new()),
            down: Mutex::new(None),
        }
    }

    /// The scripted outage, if any.
    fn up(&self) -> Result<(), OperationError> {
        self.down.lock().unwrap().clone().map_or(Ok(()), Err)
    }
}

impl Default for FakeEcs {
    fn default() -> Self {
        FakeEcs::new("api", 1, 1)
    }
}

#[async_trait]
impl EcsPort for FakeEcs {
    async fn describe(&self, _: &EcsTarget) -> Result<EcsState, OperationError> {
        self.up()?;
        Ok(self.state.lock().unwrap().clone())
    }

    async fn images(&self, task_definition: &str) -> Result<Vec<String>, OperationError> {
        self.up()?;
        Ok(vec![format!(
            "registry/{}",
            task_definition.replace(':', ":v")
        )])
    }

    async fn revisions(&self, _: &str) -> Result<Vec<String>, OperationError> {
        self.up()?;
        Ok(self.revisions.clone())
    }

    async fn wait_stable(&self, _: &EcsTarget) -> Result<(EcsState, bool), OperationError> {
        self.up()?;
        let state = self.state.lock().unwrap().clone();
        let stable = state.deployments <= 1 && state.running == state.desired;
        Ok((state, stable))
    }

    async fn update(&self, _: &EcsTarget, change: &EcsChange) -> Result<EcsState, OperationError> {
        self.up()?;
        self.updates.lock().unwrap().push(change.clone());
        let mut state = self.state.lock().unwrap();
        match change {
            EcsChange::TaskDefinition(td) => state.task_definition = td.clone(),
            EcsChange::DesiredCount(n) => state.desired = *n,
            EcsChange::ForceNewDeployment => state.deployments += 1,
        }
        Ok(state.clone())
    }
}

/// A log group in memory.
#[derive(Default)]
pub struct FakeLogs {
    pub lines: Vec<LogLine>,
}

#[async_trait]
impl LogsPort for FakeLogs {
    async fn read(&self, query: &LogQuery) -> Result<LogPage, OperationError> {
        let lines: Vec<LogLine> = self
            .lines
            .iter()
            .filter(|l| l.at >= query.start && query.end.is_none_or(|end| l.at <= end))
            .cloned()
            .collect();
        let truncated = lines.len() > query.budget;
        Ok(LogPage {
            lines: lines.into_iter().take(query.budget).collect(),
            truncated,
        })
    }
}

/// An instance id and its (key, value) tags.
pub type TaggedInstance = (String, Vec<(String, String)>);

/// An SSM fleet whose every instance answers the same scripted output.
#[derive(Default)]
pub struct FakeSsm {
    pub runs: Mutex<Vec<(Vec<String>, Vec<String>)>>,
    /// Instances and their tags, for fleets named by tags.
    pub tags: Mutex<Vec<TaggedInstance>>,
}

#[async_trait]
impl SsmPort for FakeSsm {
    async fn run(
        &self,
        instances: &[String],
        commands: &[String],
        _deadline: std::time::Duration,
    ) -> Result<Vec<InstanceRun>, OperationError> {
        self.runs
            .lock()
            .unwrap()
            .push((instances.to_vec(), commands.to_vec()));
        Ok(instances
            .iter()
            .map(|i| InstanceRun {
                instance: i.clone(),
                status: "Success".into(),
                exit_code: Some(0),
                stdout: "ok\n".into(),
                stderr: String::new(),
            })
            .collect())
    }

    async fn tagged(&self, tags: &[(String, String)]) -> Result<Vec<String>, OperationError> {
        let mut found: Vec<String> = self
            .tags
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, has)| tags.iter().all(|t| has.contains(t)))
            .map(|(id, _)| id.clone())
            .collect();
        found.sort();
        Ok(found)
    }
}
