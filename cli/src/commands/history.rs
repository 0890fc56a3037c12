//! `coach history`: the user's sessions, newest first, one line each.

use std::io::{BufRead, Write};

use chrono::Local;
use interview_coach_proto::session::v1::{ListSessionsRequest, SessionStatus};

use crate::{
    cli::{HistoryArgs, StatusFilter},
    console::Console,
    context::Context,
    errors::Error,
    render,
};

/// The most sessions the service returns in one page.
const MAX_PAGE_SIZE: i32 = 100;

/// Lists up to `args.limit` sessions, reading as many pages as that takes.
pub async fn run<R: BufRead, W: Write>(
    context: &Context,
    args: HistoryArgs,
    console: &mut Console<R, W>,
) -> Result<(), Error> {
    let mut api = context.session().await?;
    let status = args
        .status
        .map_or(SessionStatus::Unspecified, StatusFilter::to_proto);
    let mut wanted = args.limit;
    let mut page_token = String::new();
    let mut shown = 0;
    while wanted > 0 {
        let page = api
            .list_sessions(ListSessionsRequest {
                page_size: wanted.min(MAX_PAGE_SIZE),
                page_token,
                status: status.into(),
            })
            .await?;
        for session in &page.sessions {
            if wanted == 0 {
                break;
            }
            if shown == 0 {
                writeln!(console.out(), "{}", render::history_header())?;
            }
            writeln!(console.out(), "{}", render::history_line(session, &Local))?;
            shown += 1;
            wanted -= 1;
        }
        if page.sessions.is_empty() || page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    if shown == 0 {
        writeln!(
            console.out(),
            "No sessions to show: start one with `coach practice`."
        )?;
    }
    Ok(())
}
