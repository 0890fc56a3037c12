//! One run: measure the limits, register the accounts, then run each scenario in order and
//! report.

use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::task::JoinSet;

use crate::{
    clients::{self, Account, Channels, bearer},
    limits::{self, Limits},
    options::{LimitsMode, Mix, Options},
    processes::Watched,
    recorder::{Recorder, Window, swarm},
    report::{Machine, Report, ScenarioReport},
    users,
};

struct Run {
    options: Options,
    identity: Channels,
    session: Channels,
    accounts: Arc<Vec<Account>>,
    /// An answered session per reader account, made on first need.
    reader_sessions: Option<Arc<Vec<String>>>,
    watched: Watched,
    limits: Limits,
}

/// Runs everything `options` asks for.
pub async fn run(options: Options) -> Result<Report> {
    let machine = Machine::detect();
    eprintln!("loadgen: measuring limits");
    let limits = measure_limits(&options).await?;

    let needs_logins = options.mix.contains(&Mix::Mixed);
    let account_count = options.users + if needs_logins { options.login_users } else { 0 };
    let connections = options.connections_for(account_count);
    let identity = Channels::open(&options.identity_url, connections).await?;
    let session = Channels::open(&options.session_url, connections).await?;
    let run_id = uuid::Uuid::new_v4().simple().to_string();
    eprintln!("loadgen: registering {account_count} accounts");
    let accounts = clients::register(&identity, &run_id[..12], account_count).await?;

    let mut run = Run {
        watched: Watched::new(
            &options.pids,
            options
                .database_url
                .as_deref()
                .and_then(crate::processes::database_name),
        ),
        options,
        identity,
        session,
        accounts: Arc::new(accounts),
        reader_sessions: None,
        limits,
    };
    let mut scenarios = Vec::new();
    for mix in run.options.mix.clone() {
        eprintln!("loadgen: running {}", mix.name());
        scenarios.push(run.scenario(mix).await?);
    }
    Ok(Report {
        machine,
        limits: run.limits,
        scenarios,
    })
}

async fn measure_limits(options: &Options) -> Result<Limits> {
    let wanted = |auto: bool| match options.limits {
        LimitsMode::All => true,
        LimitsMode::None => false,
        LimitsMode::Auto => auto,
    };
    let mixes = &options.mix;
    let mut limits = Limits {
        cores: limits::cores(),
        ..Limits::default()
    };
    let logins = mixes.iter().any(|m| matches!(m, Mix::Login | Mix::Mixed))
        || (options.relogin && mixes.contains(&Mix::Journey));
    if wanted(logins) {
        limits.bcrypt = Some(limits::bcrypt(options.bcrypt_cost).await?);
    }
    if wanted(true) {
        let users = options.users;
        limits.grpc = Some(
            limits::grpc(
                users,
                options.connections_for(users),
                options.limit_duration,
            )
            .await?,
        );
    }
    let database = mixes
        .iter()
        .any(|m| matches!(m, Mix::Journey | Mix::Submit | Mix::GetSession));
    match (&options.database_url, wanted(database)) {
        (Some(url), true) => {
            let (insert, select) =
                limits::database(url, options.db_pool, options.users, options.limit_duration)
                    .await?;
            limits.db_insert = Some(insert);
            limits.db_select = Some(select);
        }
        (None, true) => eprintln!("loadgen: no DATABASE_URL: database limit not measured"),
        _ => {}
    }
    Ok(limits)
}

impl Run {
    async fn scenario(&mut self, mix: Mix) -> Result<ScenarioReport> {
        let users = self.options.users;
        if matches!(mix, Mix::GetSession | Mix::Mixed) {
            self.prepare_reader_sessions().await?;
        }
        let window = Window::after(self.options.warmup, self.options.duration);
        let sampler = {
            let watched = self.watched.clone();
            tokio::spawn(async move { watched.sample(window).await })
        };
        let recorder = match mix {
            Mix::Journey => self.journeys(window).await,
            Mix::Submit => {
                swarm(users, window, |index, recorder| {
                    users::submit_answers(
                        recorder,
                        self.session.session(index),
                        self.accounts[index].clone(),
                        index,
                    )
                })
                .await
            }
            Mix::GetSession => self.readers(window, 0).await?,
            Mix::Login => self.logins(window, 0, users).await,
            Mix::Mixed => {
                let (readers, logins) = tokio::join!(
                    self.readers(window, self.options.read_rate),
                    self.logins(window, users, self.options.login_users)
                );
                let mut readers = readers?;
                readers.merge(&logins);
                readers
            }
        };
        let usage = sampler.await.context("the sampler failed")?;
        let login_users = (mix == Mix::Mixed).then_some(self.options.login_users);
        Ok(ScenarioReport::new(
            mix,
            users,
            login_users,
            &recorder,
            usage,
            &self.limits,
        ))
    }

    async fn journeys(&self, window: Window) -> Recorder {
        let relogin = self.options.relogin;
        swarm(self.options.users, window, |index, recorder| {
            users::journey(
                recorder,
                self.identity.identity(index),
                self.session.session(index),
                self.accounts[index].clone(),
                index,
                relogin,
            )
        })
        .await
    }

    /// The readers, together at most `rate` GetSession/s (0: as fast as they can).
    async fn readers(&self, window: Window, rate: u32) -> Result<Recorder> {
        let sessions = self
            .reader_sessions
            .clone()
            .context("reader sessions not prepared")?;
        let mut bearers = Vec::with_capacity(self.options.users);
        for account in &self.accounts[..self.options.users] {
            bearers.push(bearer(&account.access_token)?);
        }
        let users = self.options.users;
        Ok(swarm(users, window, |index, recorder| {
            users::read_session(
                recorder,
                self.session.session(index),
                bearers[index].clone(),
                sessions[index].clone(),
                users::Pace::share(rate, users, index),
            )
        })
        .await)
    }

    /// `count` users logging in with the accounts from `first`.
    async fn logins(&self, window: Window, first: usize, count: usize) -> Recorder {
        swarm(count, window, |index, recorder| {
            users::log_in_repeatedly(
                recorder,
                self.identity.identity(first + index),
                self.accounts[first + index].clone(),
            )
        })
        .await
    }

    async fn prepare_reader_sessions(&mut self) -> Result<()> {
        if self.reader_sessions.is_some() {
            return Ok(());
        }
        let mut tasks = JoinSet::new();
        for index in 0..self.options.users {
            let mut client = self.session.session(index);
            let token = self.accounts[index].access_token.clone();
            tasks.spawn(async move {
                let id = users::answered_session(&mut client, &token).await?;
                Ok::<_, anyhow::Error>((index, id))
            });
        }
        let mut sessions = Vec::with_capacity(self.options.users);
        while let Some(joined) = tasks.join_next().await {
            sessions.push(joined.context("preparing a session")??);
        }
        sessions.sort();
        self.reader_sessions = Some(Arc::new(sessions.into_iter().map(|(_, id)| id).collect()));
        Ok(())
    }
}
