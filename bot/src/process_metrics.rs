//! The process's own figures on `/metrics` (`process_cpu_seconds_total`,
//! `process_resident_memory_bytes`, open and maximum file descriptors, threads, start time),
//! under the names every Prometheus client uses, so the usual dashboards and alerts work. Read
//! from `/proc` at each scrape; on a system without it they are left out.

use std::fmt;

use procfs::process::Process;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;

#[derive(Debug)]
pub struct ProcessMetrics;

/// One figure of the process, with its name and help.
fn write(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    metric: &impl EncodeMetric,
) -> fmt::Result {
    let metric_encoder = encoder.encode_descriptor(name, help, None, metric.metric_type())?;
    metric.encode(metric_encoder)
}

impl Collector for ProcessMetrics {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        let Ok(me) = Process::myself() else {
            return Ok(());
        };
        let Ok(stat) = me.stat() else {
            return Ok(());
        };
        let ticks = procfs::ticks_per_second() as f64;
        let cpu = (stat.utime + stat.stime) as f64 / ticks;
        write(
            &mut encoder,
            "process_cpu_seconds",
            "Total user and system CPU time spent in seconds",
            &ConstCounter::new(cpu),
        )?;
        let resident = stat.rss.saturating_mul(procfs::page_size());
        write(
            &mut encoder,
            "process_resident_memory_bytes",
            "Resident memory size in bytes",
            &ConstGauge::new(i64::try_from(resident).unwrap_or(i64::MAX)),
        )?;
        write(
            &mut encoder,
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes",
            &ConstGauge::new(i64::try_from(stat.vsize).unwrap_or(i64::MAX)),
        )?;
        write(
            &mut encoder,
            "process_threads",
            "Number of OS threads in the process",
            &ConstGauge::new(stat.num_threads),
        )?;
        if let Ok(boot) = procfs::boot_time_secs() {
            let started = boot as f64 + stat.starttime as f64 / ticks;
            write(
                &mut encoder,
                "process_start_time_seconds",
                "Start time of the process since the Unix epoch in seconds",
                &ConstGauge::new(started),
            )?;
        }
        if let Ok(open) = me.fd_count() {
            write(
                &mut encoder,
                "process_open_fds",
                "Number of open file descriptors",
                &ConstGauge::new(i64::try_from(open).unwrap_or(i64::MAX)),
            )?;
        }
        if let Ok(limits) = me.limits()
            && let procfs::process::LimitValue::Value(max) = limits.max_open_files.soft_limit
        {
            write(
                &mut encoder,
                "process_max_fds",
                "Maximum number of open file descriptors",
                &ConstGauge::new(i64::try_from(max).unwrap_or(i64::MAX)),
            )?;
        }
        Ok(())
    }
}
