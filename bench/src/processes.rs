//! What the processes cost during a measurement: resident memory (max of `VmRSS` sampled
//! every 100 ms) and CPU time (`utime + stime` from `/proc/<pid>/stat`) of each service,
//! of Postgres (all its processes) and of the load generator itself, plus how busy the
//! whole machine was (`/proc/stat`). Linux only; elsewhere the figures are absent.

use std::{collections::BTreeMap, fs, time::Duration};

use serde::Serialize;

use crate::recorder::Window;

/// Clock ticks per second of `/proc` times (`USER_HZ`, 100 on every Linux architecture
/// this runs on).
const TICKS_PER_SECOND: f64 = 100.0;
/// How often memory is sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(100);
/// The executables looked up when no `--pid` is given.
pub const SERVICES: [&str; 3] = ["identity-service", "session-service", "evaluation-service"];

/// The processes of one watched name.
#[derive(Clone, Debug)]
enum Target {
    /// One process.
    Pid(u32),
    /// Every Postgres backend serving `database` (Postgres forks one per connection; its
    /// command line names the database).
    Backends { database: String },
}

/// Memory and CPU of one watched name over a window.
#[derive(Clone, Debug, Serialize)]
pub struct ProcessUsage {
    /// The name.
    pub name: String,
    /// Largest resident set seen, MiB (absent for multi-process targets).
    pub rss_max_mib: Option<f64>,
    /// CPU seconds used in the window.
    pub cpu_seconds: f64,
}

/// Everything sampled over a window.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Usage {
    /// Per watched name.
    pub processes: Vec<ProcessUsage>,
    /// Fraction of all cores busy during the window (0..=1).
    pub machine_busy: Option<f64>,
    /// CPU seconds used by every process of the machine in the window.
    pub machine_cpu_seconds: Option<f64>,
}

impl Usage {
    /// CPU seconds of processes not watched (other work on the machine: noise).
    pub fn others_cpu_seconds(&self) -> Option<f64> {
        let watched: f64 = self.processes.iter().map(|p| p.cpu_seconds).sum();
        self.machine_cpu_seconds.map(|all| (all - watched).max(0.0))
    }
}

/// The processes to watch.
#[derive(Clone, Debug)]
pub struct Watched(Vec<(String, Target)>);

impl Watched {
    /// The given `name=pid`s (or the services found by executable name), the Postgres
    /// backends of `database` and this process.
    pub fn new(pids: &[(String, u32)], database: Option<&str>) -> Self {
        let mut targets: Vec<(String, Target)> = if pids.is_empty() {
            find_services()
                .into_iter()
                .map(|(name, pid)| (name, Target::Pid(pid)))
                .collect()
        } else {
            pids.iter()
                .map(|(name, pid)| (name.clone(), Target::Pid(*pid)))
                .collect()
        };
        if let Some(database) = database {
            targets.push((
                format!("postgres ({database})"),
                Target::Backends {
                    database: database.to_owned(),
                },
            ));
        }
        targets.push(("loadgen".to_owned(), Target::Pid(std::process::id())));
        Self(targets)
    }

    /// Samples until the window ends (from its start).
    pub async fn sample(&self, window: Window) -> Usage {
        tokio::time::sleep(
            window
                .start
                .saturating_duration_since(std::time::Instant::now()),
        )
        .await;
        let cpu_before = self.cpu_ticks();
        let machine_before = machine_ticks();
        let mut rss_max: BTreeMap<String, u64> = BTreeMap::new();
        while !window.is_over() {
            for (name, target) in &self.0 {
                if let Target::Pid(pid) = target
                    && let Some(kib) = rss_kib(*pid)
                {
                    let max = rss_max.entry(name.clone()).or_default();
                    *max = (*max).max(kib);
                }
            }
            tokio::time::sleep(SAMPLE_EVERY).await;
        }
        let cpu_after = self.cpu_ticks();
        let (machine_busy, machine_cpu_seconds) = match (machine_before, machine_ticks()) {
            (Some((busy0, total0)), Some((busy1, total1))) if total1 > total0 => (
                Some((busy1 - busy0) as f64 / (total1 - total0) as f64),
                Some((busy1 - busy0) as f64 / TICKS_PER_SECOND),
            ),
            _ => (None, None),
        };
        let processes = self
            .0
            .iter()
            .map(|(name, _)| {
                let before = cpu_before.get(name).cloned().unwrap_or_default();
                let after = cpu_after.get(name).cloned().unwrap_or_default();
                // Per pid: processes born in the window count from zero; those gone are lost.
                let ticks: u64 = after
                    .iter()
                    .map(|(pid, t)| t.saturating_sub(before.get(pid).copied().unwrap_or(0)))
                    .sum();
                ProcessUsage {
                    name: name.clone(),
                    rss_max_mib: rss_max.get(name).map(|kib| *kib as f64 / 1024.0),
                    cpu_seconds: ticks as f64 / TICKS_PER_SECOND,
                }
            })
            .collect();
        Usage {
            processes,
            machine_busy,
            machine_cpu_seconds,
        }
    }

    fn cpu_ticks(&self) -> BTreeMap<String, BTreeMap<u32, u64>> {
        self.0
            .iter()
            .map(|(name, target)| {
                let pids = match target {
                    Target::Pid(pid) => vec![*pid],
                    Target::Backends { database } => backends_of(database),
                };
                let ticks = pids
                    .into_iter()
                    .filter_map(|pid| cpu_ticks(pid).map(|t| (pid, t)))
                    .collect();
                (name.clone(), ticks)
            })
            .collect()
    }
}

fn all_pids() -> Vec<u32> {
    fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Postgres backends titled `postgres: [cluster: ]<user> <database> <client> …`.
fn backends_of(database: &str) -> Vec<u32> {
    all_pids()
        .into_iter()
        .filter(|pid| {
            fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmdline| {
                let title = String::from_utf8_lossy(&cmdline);
                title.starts_with("postgres: ")
                    && title.split_whitespace().any(|word| word == database)
            })
        })
        .collect()
}

/// The database name of a `postgres://…/name?…` URL.
pub fn database_name(url: &str) -> Option<&str> {
    let path = url.split_once("://")?.1.split_once('/')?.1;
    let name = path.split('?').next()?;
    (!name.is_empty()).then_some(name)
}

/// The services running on this machine, by the file name of their executable.
pub fn find_services() -> Vec<(String, u32)> {
    let mut found = Vec::new();
    for pid in all_pids() {
        let Ok(cmdline) = fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let argv0 = cmdline.split(|b| *b == 0).next().unwrap_or_default();
        let exe = String::from_utf8_lossy(argv0);
        let file = exe.rsplit('/').next().unwrap_or_default();
        // `healthcheck` subcommands are short-lived: only servers have no argument or `serve`.
        let arg1 = cmdline.split(|b| *b == 0).nth(1).unwrap_or_default();
        if SERVICES.contains(&file) && (arg1.is_empty() || arg1 == b"serve") {
            found.push((file.to_owned(), pid));
        }
    }
    found.sort();
    found
}

/// `VmRSS` of `pid` in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `utime + stime` of `pid`, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // After the name: state is field 3 of the man page, utime 14, stime 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// (busy, total) ticks of all cores from `/proc/stat`.
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    let values: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = values.iter().sum();
    // idle and iowait are not busy.
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        assert!(rss_kib(me).is_some_and(|kib| kib > 0));
        assert!(cpu_ticks(me).is_some());
        assert!(machine_ticks().is_some_and(|(busy, total)| busy <= total && total > 0));
    }

    #[test]
    fn database_names_come_from_urls() {
        assert_eq!(
            database_name("postgres://postgres@127.0.0.1:5432/bench_1?sslmode=disable"),
            Some("bench_1")
        );
        assert_eq!(database_name("postgres://localhost"), None);
    }

    #[tokio::test]
    async fn samples_over_a_window() {
        let watched = Watched::new(&[("me".to_owned(), std::process::id())], None);
        let usage = watched
            .sample(Window::after(Duration::ZERO, Duration::from_millis(300)))
            .await;
        let me = usage.processes.iter().find(|p| p.name == "me").unwrap();
        assert!(me.rss_max_mib.is_some_and(|mib| mib > 0.0));
        assert!(usage.machine_busy.is_some());
    }
}
