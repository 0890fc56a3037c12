//! The results: per RPC throughput, latency percentiles and errors by code; each figure as
//! a ratio to its bound; the bars of issue 6 checked; printed as tables and written as JSON.

use std::{collections::BTreeMap, fmt::Write as _, fs};

use serde::Serialize;

use crate::{
    limits::Limits,
    options::Mix,
    processes::{SERVICES, Usage},
    recorder::Recorder,
};

/// Largest resident set a service may have at load (the bar), MiB.
const RSS_BAR_MIB: f64 = 64.0;
/// Latency bar, ms.
const P99_BAR_MS: f64 = 50.0;

/// One RPC's figures.
#[derive(Clone, Debug, Serialize)]
pub struct RpcReport {
    /// e.g. `GetSession`.
    pub rpc: String,
    /// Successful calls in the window.
    pub ok: u64,
    /// Successful calls per second.
    pub per_second: f64,
    /// Latency percentiles of successful calls, ms.
    pub p50_ms: f64,
    /// See `p50_ms`.
    pub p95_ms: f64,
    /// See `p50_ms`.
    pub p99_ms: f64,
    /// See `p50_ms`.
    pub max_ms: f64,
    /// Failed calls by gRPC code.
    pub errors: BTreeMap<String, u64>,
}

/// A figure over its bound.
#[derive(Clone, Debug, Serialize)]
pub struct Ratio {
    /// What was measured.
    pub figure: String,
    /// Its value.
    pub value: f64,
    /// What bounds it.
    pub bound: String,
    /// The bound's value.
    pub bound_value: f64,
    /// value ÷ bound.
    pub ratio: f64,
}

/// CPU spent per operation.
#[derive(Clone, Debug, Serialize)]
pub struct CpuCost {
    /// The operation (e.g. `GetSession`; in `journey`, one answer with its share of the
    /// journey's other calls).
    pub per: String,
    /// CPU milliseconds per operation, all watched processes together.
    pub cpu_ms: f64,
    /// cores × 1000 ÷ cpu_ms.
    pub capacity_per_second: f64,
}

/// One bar of the issue.
#[derive(Clone, Debug, Serialize)]
pub struct Bar {
    /// What is required.
    pub requirement: String,
    /// What was measured.
    pub actual: String,
    /// Whether it is met.
    pub met: bool,
}

/// One scenario's results.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioReport {
    /// The mix.
    pub mix: Mix,
    /// Virtual users (readers in `mixed`).
    pub users: usize,
    /// Users logging in during `mixed`.
    pub login_users: Option<usize>,
    /// Measured seconds.
    pub seconds: f64,
    /// Per RPC.
    pub rpcs: Vec<RpcReport>,
    /// Failed calls ÷ all calls.
    pub error_rate: f64,
    /// Observations that are not errors (e.g. answers left pending).
    pub notes: BTreeMap<String, u64>,
    /// Memory and CPU.
    pub usage: Usage,
    /// CPU of every watched process (services, their Postgres backends, loadgen) per
    /// successful call of `per`, and the rate the machine's cores could sustain at that
    /// cost with nothing else running.
    pub cpu_cost: Option<CpuCost>,
    /// Figures over bounds.
    pub ratios: Vec<Ratio>,
    /// The bars this scenario decides.
    pub bars: Vec<Bar>,
}

/// The machine.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    /// Cores available.
    pub cores: usize,
    /// `model name` of /proc/cpuinfo.
    pub cpu_model: String,
    /// `MemTotal` of /proc/meminfo, MiB.
    pub memory_mib: u64,
}

impl Machine {
    /// Reads /proc (empty figures elsewhere).
    pub fn detect() -> Self {
        let cpu_model = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("model name"))
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
            .unwrap_or_default();
        let memory_mib = fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))
                    .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            })
            .map_or(0, |kib| kib / 1024);
        Self {
            cores: crate::limits::cores(),
            cpu_model,
            memory_mib,
        }
    }
}

/// The whole run.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Where it ran.
    pub machine: Machine,
    /// The limits.
    pub limits: Limits,
    /// The scenarios, in order.
    pub scenarios: Vec<ScenarioReport>,
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

impl ScenarioReport {
    /// Builds the report of one scenario from what its users recorded.
    pub fn new(
        mix: Mix,
        users: usize,
        login_users: Option<usize>,
        recorder: &Recorder,
        usage: Usage,
        limits: &Limits,
    ) -> Self {
        let seconds = recorder.window().length().as_secs_f64();
        let rpcs: Vec<RpcReport> = recorder
            .rpcs()
            .iter()
            .map(|(rpc, stats)| RpcReport {
                rpc: (*rpc).to_owned(),
                ok: stats.ok(),
                per_second: stats.ok() as f64 / seconds,
                p50_ms: ms(stats.latency.value_at_quantile(0.50)),
                p95_ms: ms(stats.latency.value_at_quantile(0.95)),
                p99_ms: ms(stats.latency.value_at_quantile(0.99)),
                max_ms: ms(stats.latency.max()),
                errors: stats.errors.clone(),
            })
            .collect();
        let (ok, failed) = recorder
            .rpcs()
            .values()
            .fold((0, 0), |(ok, failed), s| (ok + s.ok(), failed + s.failed()));
        let error_rate = if ok + failed == 0 {
            0.0
        } else {
            failed as f64 / (ok + failed) as f64
        };
        let mut report = Self {
            mix,
            users,
            login_users,
            seconds,
            rpcs,
            error_rate,
            notes: recorder
                .notes()
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            usage,
            cpu_cost: None,
            ratios: Vec::new(),
            bars: Vec::new(),
        };
        report.cpu_cost = report.cpu_cost(limits.cores);
        report.ratios = report.ratios_to(limits);
        report.bars = report.bars(limits);
        report
    }

    fn cpu_cost(&self, cores: usize) -> Option<CpuCost> {
        let (rpc, per) = match self.mix {
            Mix::Journey => ("SubmitAnswer", "answer (whole journey ÷ answers)"),
            Mix::Submit => (
                "SubmitAnswer",
                "answer (with its evaluation and 1/10 CreateSession)",
            ),
            Mix::GetSession => ("GetSession", "GetSession"),
            Mix::Login => ("Login", "Login"),
            Mix::Mixed => return None,
        };
        let calls = self.rpc(rpc)?.ok;
        let cpu: f64 = self.usage.processes.iter().map(|p| p.cpu_seconds).sum();
        if calls == 0 || cpu <= 0.0 {
            return None;
        }
        let cpu_ms = cpu * 1000.0 / calls as f64;
        Some(CpuCost {
            per: per.to_owned(),
            cpu_ms,
            capacity_per_second: cores as f64 * 1000.0 / cpu_ms,
        })
    }

    fn rpc(&self, name: &str) -> Option<&RpcReport> {
        self.rpcs.iter().find(|r| r.rpc == name)
    }

    fn ratios_to(&self, limits: &Limits) -> Vec<Ratio> {
        let mut ratios = Vec::new();
        let mut push = |figure: &RpcReport, bound: &str, bound_value: f64| {
            if bound_value > 0.0 {
                ratios.push(Ratio {
                    figure: format!("{} req/s", figure.rpc),
                    value: figure.per_second,
                    bound: bound.to_owned(),
                    bound_value,
                    ratio: figure.per_second / bound_value,
                });
            }
        };
        for rpc in &self.rpcs {
            if rpc.rpc == "Login"
                && let Some(bcrypt) = &limits.bcrypt
            {
                push(
                    rpc,
                    &format!("bcrypt bound (cost {})", bcrypt.cost),
                    bcrypt.bound_per_second,
                );
            }
            if let Some(grpc) = &limits.grpc {
                push(rpc, "gRPC ceiling (do-nothing RPC)", grpc.per_second);
            }
            if rpc.rpc == "GetSession"
                && let Some(select) = &limits.db_select
            {
                push(rpc, "DB primary-key selects/s", select.per_second);
            }
            if rpc.rpc == "SubmitAnswer"
                && let Some(insert) = &limits.db_insert
            {
                push(rpc, "DB single-row commits/s", insert.per_second);
            }
        }
        ratios
    }

    fn latency_bar(&self, rpc: &str) -> Option<Bar> {
        let r = self.rpc(rpc)?;
        Some(Bar {
            requirement: format!("{rpc} p99 < {P99_BAR_MS} ms"),
            actual: format!("{:.1} ms", r.p99_ms),
            met: r.p99_ms < P99_BAR_MS,
        })
    }

    fn rate_bar(&self, rpc: &str, at_least: f64) -> Option<Bar> {
        let r = self.rpc(rpc)?;
        Some(Bar {
            requirement: format!("{rpc} ≥ {at_least} /s at {} users", self.users),
            actual: format!("{:.0} /s", r.per_second),
            met: r.per_second >= at_least && self.users == 32,
        })
    }

    fn bars(&self, limits: &Limits) -> Vec<Bar> {
        let mut bars = Vec::new();
        match self.mix {
            Mix::Login => {
                if let (Some(login), Some(bcrypt)) = (self.rpc("Login"), &limits.bcrypt) {
                    let ratio = login.per_second / bcrypt.bound_per_second;
                    bars.push(Bar {
                        requirement: format!(
                            "Login ≥ 90% of the bcrypt bound ({:.2}/s at cost {})",
                            bcrypt.bound_per_second, bcrypt.cost
                        ),
                        actual: format!("{:.2}/s = {:.0}%", login.per_second, ratio * 100.0),
                        met: ratio >= 0.9,
                    });
                }
            }
            Mix::Mixed => bars.extend(self.latency_bar("GetSession").map(|mut bar| {
                bar.requirement.push_str(" while logins saturate the CPU");
                bar
            })),
            Mix::GetSession => {
                bars.extend(self.rate_bar("GetSession", 4000.0));
                bars.extend(self.latency_bar("GetSession"));
            }
            Mix::Submit => {
                bars.extend(self.rate_bar("SubmitAnswer", 1500.0));
                bars.extend(self.latency_bar("SubmitAnswer"));
            }
            // The answer-rate bar is judged on `submit`, where SubmitAnswer (with its
            // evaluation) is the load; here each three answers share the CPU with a
            // CreateSession, a GetSession, a CompleteSession and a GetProgress, and the
            // journey's bar is that none of it fails.
            Mix::Journey => {
                bars.push(Bar {
                    requirement: "journey error rate 0".to_owned(),
                    actual: format!("{:.4}%", self.error_rate * 100.0),
                    met: self.error_rate == 0.0,
                });
            }
        }
        if matches!(self.mix, Mix::Journey | Mix::Submit | Mix::GetSession) {
            for process in &self.usage.processes {
                if let Some(mib) = process.rss_max_mib
                    && SERVICES.contains(&process.name.as_str())
                {
                    bars.push(Bar {
                        requirement: format!("{} RSS < {RSS_BAR_MIB} MiB", process.name),
                        actual: format!("{mib:.1} MiB"),
                        met: mib < RSS_BAR_MIB,
                    });
                }
            }
        }
        bars
    }
}

impl Report {
    /// The human-readable tables.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(
            out,
            "machine: {} cores, {}, {} MiB",
            m.cores, m.cpu_model, m.memory_mib
        );
        let l = &self.limits;
        if let Some(b) = &l.bcrypt {
            let _ = writeln!(
                out,
                "limit bcrypt: cost {} = {:.1} ms/hash on one core → bound {:.2} logins/s on {} cores",
                b.cost, b.hash_ms, b.bound_per_second, l.cores
            );
        }
        for (name, probe) in [
            ("gRPC do-nothing RPC", &l.grpc),
            ("DB single-row insert", &l.db_insert),
            ("DB primary-key select", &l.db_select),
        ] {
            if let Some(p) = probe {
                let _ = writeln!(
                    out,
                    "limit {name}: {:.0}/s at {} concurrent, p50 {:.2} ms, p99 {:.2} ms",
                    p.per_second, p.concurrency, p.p50_ms, p.p99_ms
                );
            }
        }
        for s in &self.scenarios {
            out.push_str(&s.render());
        }
        out
    }
}

impl ScenarioReport {
    fn render(&self) -> String {
        let mut out = String::new();
        let logins = self
            .login_users
            .map(|n| format!(" + {n} logging in"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n== {} — {} users{logins}, {:.0} s measured, error rate {:.4}%",
            self.mix.name(),
            self.users,
            self.seconds,
            self.error_rate * 100.0
        );
        let _ = writeln!(
            out,
            "| RPC | ok | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |\n|---|---:|---:|---:|---:|---:|---:|---|"
        );
        for r in &self.rpcs {
            let errors = if r.errors.is_empty() {
                "0".to_owned()
            } else {
                r.errors
                    .iter()
                    .map(|(code, n)| format!("{code}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(
                out,
                "| {} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {errors} |",
                r.rpc, r.ok, r.per_second, r.p50_ms, r.p95_ms, r.p99_ms, r.max_ms
            );
        }
        for (what, n) in &self.notes {
            let _ = writeln!(out, "note: {what}: {n}");
        }
        let busy = self
            .usage
            .machine_busy
            .map(|b| format!("{:.0}%", b * 100.0))
            .unwrap_or_else(|| "?".to_owned());
        let others = self
            .usage
            .others_cpu_seconds()
            .map(|s| format!(", of which other work on the machine {s:.2} CPU-s"))
            .unwrap_or_default();
        let _ = writeln!(out, "CPU busy (all cores): {busy}{others}");
        for p in &self.usage.processes {
            let rss = p
                .rss_max_mib
                .map(|mib| format!(", max RSS {mib:.1} MiB"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}: {:.2} CPU-s ({:.0}% of a core){rss}",
                p.name,
                p.cpu_seconds,
                p.cpu_seconds / self.seconds * 100.0
            );
        }
        if let Some(c) = &self.cpu_cost {
            let _ = writeln!(
                out,
                "CPU per {}: {:.3} ms → at most {:.0}/s on these cores if nothing else ran",
                c.per, c.cpu_ms, c.capacity_per_second
            );
        }
        for r in &self.ratios {
            let _ = writeln!(
                out,
                "ratio {} = {:.1} / {} {:.1} = {:.3}",
                r.figure, r.value, r.bound, r.bound_value, r.ratio
            );
        }
        for b in &self.bars {
            let _ = writeln!(
                out,
                "bar [{}] {}: {}",
                if b.met { "met" } else { "MISSED" },
                b.requirement,
                b.actual
            );
        }
        out
    }
}
