//! Latency histograms and error counts per RPC. Every virtual user records into its own
//! [`Recorder`] (no locks on the hot path); the scenario merges them at the end.

use std::{
    collections::BTreeMap,
    future::Future,
    time::{Duration, Instant},
};

use hdrhistogram::Histogram;
use tonic::{Code, Response, Status};

/// Highest latency tracked exactly (longer calls are clamped to it): 60 s in microseconds.
const MAX_MICROS: u64 = 60_000_000;

/// When measuring starts and ends.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// End of the warm-up.
    pub start: Instant,
    /// End of the measurement; users stop starting calls after it.
    pub end: Instant,
}

impl Window {
    /// A window after `warmup` from now, lasting `duration`.
    pub fn after(warmup: Duration, duration: Duration) -> Self {
        let start = Instant::now() + warmup;
        Self {
            start,
            end: start + duration,
        }
    }

    /// Whether a call completing at `at` counts.
    pub fn contains(&self, at: Instant) -> bool {
        at >= self.start && at < self.end
    }

    /// Whether the scenario is over.
    pub fn is_over(&self) -> bool {
        Instant::now() >= self.end
    }

    /// The measured length.
    pub fn length(&self) -> Duration {
        self.end - self.start
    }
}

/// One RPC's calls.
#[derive(Clone, Debug)]
pub struct RpcStats {
    /// Latency of successful calls, in microseconds.
    pub latency: Histogram<u64>,
    /// Failed calls by gRPC code.
    pub errors: BTreeMap<String, u64>,
}

impl RpcStats {
    fn new() -> Self {
        Self {
            // Three significant figures; cannot fail with these constants.
            latency: Histogram::new_with_bounds(1, MAX_MICROS, 3)
                .unwrap_or_else(|_| unreachable!("valid histogram bounds")),
            errors: BTreeMap::new(),
        }
    }

    /// Successful calls.
    pub fn ok(&self) -> u64 {
        self.latency.len()
    }

    /// Failed calls.
    pub fn failed(&self) -> u64 {
        self.errors.values().sum()
    }

    fn merge(&mut self, other: &Self) {
        // Same bounds on both sides: adding cannot fail.
        let _ = self.latency.add(&other.latency);
        for (code, count) in &other.errors {
            *self.errors.entry(code.clone()).or_default() += count;
        }
    }
}

/// Calls by RPC name, recorded within a [`Window`].
#[derive(Clone, Debug)]
pub struct Recorder {
    window: Window,
    rpcs: BTreeMap<&'static str, RpcStats>,
    notes: BTreeMap<&'static str, u64>,
}

impl Recorder {
    /// An empty recorder for `window`.
    pub fn new(window: Window) -> Self {
        Self {
            window,
            rpcs: BTreeMap::new(),
            notes: BTreeMap::new(),
        }
    }

    /// The window.
    pub fn window(&self) -> Window {
        self.window
    }

    /// Runs `call`, records its latency or its error code under `rpc` if it completes inside
    /// the window, and returns the message or the status.
    pub async fn time<T>(
        &mut self,
        rpc: &'static str,
        call: impl Future<Output = Result<Response<T>, Status>>,
    ) -> Result<T, Status> {
        let started = Instant::now();
        let result = call.await;
        self.record(
            rpc,
            started,
            result.as_ref().err().map(|s| code_name(s.code())),
        );
        result.map(Response::into_inner)
    }

    /// Like [`Recorder::time`] for a database statement (errors count as `SQL`).
    pub async fn time_sql<T>(
        &mut self,
        what: &'static str,
        call: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        let started = Instant::now();
        let result = call.await;
        self.record(
            what,
            started,
            result.as_ref().err().map(|_| "SQL".to_owned()),
        );
        result
    }

    fn record(&mut self, rpc: &'static str, started: Instant, error: Option<String>) {
        let finished = Instant::now();
        if !self.window.contains(finished) {
            return;
        }
        let stats = self.rpcs.entry(rpc).or_insert_with(RpcStats::new);
        match error {
            None => {
                let micros = u64::try_from((finished - started).as_micros())
                    .unwrap_or(MAX_MICROS)
                    .clamp(1, MAX_MICROS);
                stats.latency.saturating_record(micros);
            }
            Some(code) => *stats.errors.entry(code).or_default() += 1,
        }
    }

    /// Counts an observation that is not an error (e.g. an answer left pending) if it
    /// happens inside the window.
    pub fn note(&mut self, what: &'static str) {
        if self.window.contains(Instant::now()) {
            *self.notes.entry(what).or_default() += 1;
        }
    }

    /// The observations counted with [`Recorder::note`].
    pub fn notes(&self) -> &BTreeMap<&'static str, u64> {
        &self.notes
    }

    /// Adds `other`'s calls.
    pub fn merge(&mut self, other: &Self) {
        for (what, count) in &other.notes {
            *self.notes.entry(what).or_default() += count;
        }
        for (rpc, stats) in &other.rpcs {
            self.rpcs
                .entry(rpc)
                .or_insert_with(RpcStats::new)
                .merge(stats);
        }
    }

    /// The calls by RPC.
    pub fn rpcs(&self) -> &BTreeMap<&'static str, RpcStats> {
        &self.rpcs
    }
}

/// Runs `count` users, each made by `user(index, recorder)` and recording into its own
/// recorder of `window`, and merges what they recorded.
pub async fn swarm<F, Fut>(count: usize, window: Window, mut user: F) -> Recorder
where
    F: FnMut(usize, Recorder) -> Fut,
    Fut: Future<Output = Recorder> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..count {
        tasks.spawn(user(index, Recorder::new(window)));
    }
    let mut merged = Recorder::new(window);
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(recorder) => merged.merge(&recorder),
            Err(err) => eprintln!("loadgen: a virtual user failed: {err}"),
        }
    }
    merged
}

/// `UNAVAILABLE`, `NOT_FOUND`, …
pub fn code_name(code: Code) -> String {
    format!("{code:?}")
        .chars()
        .enumerate()
        .flat_map(|(i, c)| {
            let sep = (i > 0 && c.is_ascii_uppercase()).then_some('_');
            sep.into_iter()
                .chain(std::iter::once(c.to_ascii_uppercase()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_are_grpc_style() {
        assert_eq!(code_name(Code::NotFound), "NOT_FOUND");
        assert_eq!(code_name(Code::Unavailable), "UNAVAILABLE");
        assert_eq!(code_name(Code::ResourceExhausted), "RESOURCE_EXHAUSTED");
    }

    #[tokio::test]
    async fn records_only_inside_the_window() {
        let mut open = Recorder::new(Window::after(Duration::ZERO, Duration::from_secs(60)));
        let ok: Result<u8, Status> = open.time("A", async { Ok(Response::new(7u8)) }).await;
        assert_eq!(ok.unwrap(), 7);
        let _ = open
            .time::<u8>("A", async { Err(Status::not_found("x")) })
            .await;
        let a = &open.rpcs()["A"];
        assert_eq!((a.ok(), a.failed()), (1, 1));
        assert_eq!(a.errors["NOT_FOUND"], 1);

        let mut later = Recorder::new(Window::after(
            Duration::from_secs(60),
            Duration::from_secs(1),
        ));
        let _ = later.time("A", async { Ok(Response::new(1u8)) }).await;
        assert!(later.rpcs().is_empty());

        later.merge(&open);
        assert_eq!(later.rpcs()["A"].ok(), 1);
    }
}
