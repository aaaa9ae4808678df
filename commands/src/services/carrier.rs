//! Which integration carries each operation of a service, decided from configuration alone.
//!
//! The choice is made here, once for every command, so that a handler never weighs one
//! platform against another and the access check can be made on the carrier's risk before
//! any platform is asked anything.

use super::{ArgvOp, OpKind, Service, SsmFleet};
use crate::UserError;
use crate::access::Risk;
use crate::ports::EcsTarget;

/// The integration that carries one operation of a service, with the configuration it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier<'a> {
    /// The service's own argv template for the operation.
    Argv(&'a ArgvOp),
    /// The EC2 fleet through SSM Run Command, with the operation's configured command list.
    Ssm {
        fleet: &'a SsmFleet,
        commands: &'a [String],
    },
    /// The ECS service: rollback, restart, scale, version and deploys.
    Ecs(&'a EcsTarget),
    /// The CloudWatch Logs group `/logs` reads.
    CloudWatch(&'a str),
}

impl Service {
    /// The carrier of `kind`: its own argv template first, then its SSM fleet's command list,
    /// its ECS service, or (for logs) its CloudWatch group; without any, the sentence naming
    /// the argv key to add.
    pub fn carrier(&self, kind: OpKind) -> Result<Carrier<'_>, UserError> {
        if !self.ops.contains_key(&kind) {
            if let Some(fleet) = &self.ssm
                && let Some(commands) = fleet.commands.get(&kind)
            {
                return Ok(Carrier::Ssm { fleet, commands });
            }
            match (kind, &self.ecs, &self.log_group) {
                (OpKind::Logs, _, Some(group)) => return Ok(Carrier::CloudWatch(group)),
                (OpKind::Logs, _, None) => {}
                (_, Some(target), _) => return Ok(Carrier::Ecs(target)),
                (_, None, _) => {}
            }
        }
        Ok(Carrier::Argv(self.op(kind)?))
    }
}

impl Carrier<'_> {
    /// The risk of `kind` through this carrier: its kind's, except a restart of one instance
    /// through argv or SSM, which leaves the rest of the service serving.
    pub fn risk(&self, kind: OpKind, one_instance: bool) -> Risk {
        match self {
            Carrier::Argv(_) | Carrier::Ssm { .. } if kind == OpKind::Restart && one_instance => {
                Risk::Operate
            }
            _ => kind.risk(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::TimeDelta;

    use super::*;

    fn argv() -> ArgvOp {
        ArgvOp {
            argv: vec!["kubectl".into(), "rollout".into(), "undo".into()],
            argv_targeted: None,
            timeout: TimeDelta::seconds(30),
        }
    }

    fn service() -> Service {
        Service::bare("api", "production")
    }

    fn fleet(kinds: &[OpKind]) -> SsmFleet {
        SsmFleet {
            instances: vec!["i-0abc".into()],
            tags: Vec::new(),
            commands: kinds
                .iter()
                .map(|k| (*k, vec![format!("run {}", k.as_str())]))
                .collect(),
            health: None,
            timeout: TimeDelta::seconds(60),
        }
    }

    fn ecs() -> EcsTarget {
        EcsTarget {
            cluster: "prod".into(),
            service: "api".into(),
            settle: std::time::Duration::from_secs(60),
        }
    }

    #[test]
    fn an_argv_template_carries_its_operation_before_any_platform() {
        let svc = Service {
            ops: BTreeMap::from([(OpKind::Rollback, argv())]),
            ssm: Some(fleet(&[OpKind::Rollback])),
            ecs: Some(ecs()),
            ..service()
        };
        assert!(matches!(
            svc.carrier(OpKind::Rollback),
            Ok(Carrier::Argv(_))
        ));
        // The others fall to the platforms: SSM where it has commands, ECS otherwise.
        assert!(matches!(svc.carrier(OpKind::Restart), Ok(Carrier::Ecs(_))));
    }

    #[test]
    fn an_ssm_command_list_comes_before_the_ecs_service() {
        let svc = Service {
            ssm: Some(fleet(&[OpKind::Restart])),
            ecs: Some(ecs()),
            ..service()
        };
        match svc.carrier(OpKind::Restart) {
            Ok(Carrier::Ssm { commands, .. }) => assert_eq!(commands, ["run restart"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(svc.carrier(OpKind::Scale), Ok(Carrier::Ecs(_))));
    }

    #[test]
    fn logs_come_from_the_log_group_never_from_ecs() {
        let with_group = Service {
            ecs: Some(ecs()),
            log_group: Some("/ecs/api".into()),
            ..service()
        };
        assert_eq!(
            with_group.carrier(OpKind::Logs),
            Ok(Carrier::CloudWatch("/ecs/api"))
        );
        let without = Service {
            ecs: Some(ecs()),
            ..service()
        };
        let refused = without.carrier(OpKind::Logs).unwrap_err();
        assert!(
            refused.message.contains("[services.api.logs]"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn restarting_one_instance_is_an_operate_risk_only_where_instances_are_named() {
        let op = argv();
        let fleet = fleet(&[OpKind::Restart]);
        let target = ecs();
        let ssm = Carrier::Ssm {
            fleet: &fleet,
            commands: &[],
        };
        assert_eq!(
            Carrier::Argv(&op).risk(OpKind::Restart, true),
            Risk::Operate
        );
        assert_eq!(ssm.risk(OpKind::Restart, true), Risk::Operate);
        assert_eq!(ssm.risk(OpKind::Restart, false), Risk::Destructive);
        assert_eq!(
            Carrier::Ecs(&target).risk(OpKind::Restart, true),
            Risk::Destructive
        );
        assert_eq!(ssm.risk(OpKind::Version, false), Risk::Read);
    }
}
