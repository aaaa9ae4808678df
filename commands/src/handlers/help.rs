//! `/help` and `/help incident`: what exists, with an example of each.

use crate::Reply;
use crate::grammar::{COMMANDS, HelpTopic, INCIDENT_USAGE};

pub fn handle(topic: Option<HelpTopic>) -> Reply {
    match topic {
        None => {
            let rows = COMMANDS
                .iter()
                .map(|(name, summary)| vec![format!("/{name}"), summary.to_string()])
                .collect();
            Reply::ephemeral()
                .header("warroom commands")
                .table(&["Command", "What it does"], rows)
                .text("Start an incident: `/incident p1 checkout returns 502`")
                .context("`/help incident` lists every incident command. Every command also works through `/warroom`, e.g. `/warroom incident ack`.")
        }
        Some(HelpTopic::Incident) => {
            let rows = INCIDENT_USAGE
                .iter()
                .map(|u| vec![u.usage.to_string(), u.summary.to_string()])
                .collect();
            let examples: Vec<&str> = INCIDENT_USAGE.iter().map(|u| u.example).collect();
            Reply::ephemeral()
                .header("/incident: declare and work an incident")
                .table(&["Usage", "What it does"], rows)
                .text("Examples:")
                .code(examples.join("\n"))
                .context("Commands act on this channel's open incident; timeline, postmortem and show also take an id such as INC-7.")
        }
    }
}
