//! Properties of the connection state machine against a model server.
//!
//! The server holds events `1..=total`, each with its number as `id`. Each
//! connection resumes after the `Last-Event-ID` the client sent, sends some
//! events and then ends the way the generated script says: a clean end, an
//! end in the middle of the next event (after its `id` line), a network
//! error mid-line, a refused connection, a retried `503`; once everything
//! was sent, `204 No Content`. The bytes arrive in generated chunks. For any
//! script and any chunking the client must deliver exactly the events
//! `1..=total`, each once, in order, and send `Last-Event-ID` equal to the
//! last id it delivered (none before the first).
//!
//! Case count: proptest's default (256) unless `PROPTEST_CASES` says
//! otherwise; `.ci/run` sets 10000.

use proptest::prelude::*;
use ssekit::connection::{CloseReason, Output};
use ssekit::{Connection, Parser, ReadyState};
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
enum Ending {
    Clean,
    CutMidEvent,
    NetworkError,
    Refused,
    Unavailable,
}

#[derive(Debug, Clone)]
struct Script {
    total: u64,
    /// One per connection: how many events, how it ends.
    connections: Vec<(u64, Ending)>,
    /// Chunk sizes, cycled over every body.
    chunks: Vec<usize>,
    crlf: bool,
    seed: u64,
}

fn ending() -> impl Strategy<Value = Ending> {
    prop_oneof![
        Just(Ending::Clean),
        Just(Ending::CutMidEvent),
        Just(Ending::NetworkError),
        Just(Ending::Refused),
        Just(Ending::Unavailable),
    ]
}

fn script() -> impl Strategy<Value = Script> {
    (
        0..40u64,
        prop::collection::vec((0..6u64, ending()), 1..8),
        prop::collection::vec(1..40usize, 1..6),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(total, connections, chunks, crlf, seed)| Script {
            total,
            connections,
            chunks,
            crlf,
            seed,
        })
}

/// The body the server sends for events `from..=to`, and the end it
/// appends; `n` varies the shape of the events.
fn body(from: u64, to: u64, ending: Ending, crlf: bool) -> Vec<u8> {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut out = format!(": resuming after {}{eol}retry: 1{eol}", from - 1);
    for n in from..=to {
        match n % 3 {
            0 => out.push_str(&format!("id: {n}{eol}data: event {n}{eol}{eol}")),
            1 => out.push_str(&format!(
                "event: tick{eol}data: line one{eol}data: {n}{eol}id: {n}{eol}{eol}"
            )),
            _ => out.push_str(&format!("data:event {n}{eol}id:{n}{eol}: a comment{eol}{eol}")),
        }
    }
    let next = to + 1;
    match ending {
        Ending::CutMidEvent => out.push_str(&format!("id: {next}{eol}data: cut{eol}")),
        Ending::NetworkError => out.push_str(&format!("id: {next}{eol}data: cu")),
        _ => {}
    }
    out.into_bytes()
}

fn expected_data(n: u64) -> String {
    match n % 3 {
        1 => format!("line one\n{n}"),
        _ => format!("event {n}"),
    }
}

fn run(script: &Script) -> Result<(), TestCaseError> {
    let mut conn = Connection::builder()
        .default_retry(Duration::from_millis(3))
        .retry_status(503)
        .seed(script.seed)
        .build_with_parser(Parser::new());
    let mut now = Duration::ZERO;
    let mut delivered: Vec<u64> = Vec::new();
    let mut chunk_sizes = script.chunks.iter().cycle();
    let mut closed = None;
    for connection in 0..100usize {
        // Wait for the request to be due.
        let request = loop {
            if let Some(request) = conn.poll_request(now) {
                break request;
            }
            let due = conn.poll_timeout().expect("a reconnecting client has a timer");
            prop_assert!(due > now, "poll_request refused a due request");
            now = due;
        };
        let sent = request.last_event_id().map(|id| id.parse::<u64>().unwrap());
        prop_assert_eq!(sent, delivered.last().copied(), "Last-Event-ID is the last delivered id");
        let after = sent.unwrap_or(0);
        // After the script, the server sends everything that is left.
        let (count, ending) =
            script.connections.get(connection).copied().unwrap_or((script.total, Ending::Clean));
        now += Duration::from_millis(1);
        if after >= script.total {
            conn.handle_response(now, 204, None, None);
        } else {
            match ending {
                Ending::Refused => conn.handle_error(now),
                Ending::Unavailable => conn.handle_response(now, 503, Some("text/html"), Some("0")),
                _ => {
                    conn.handle_response(now, 200, Some("text/event-stream; charset=utf-8"), None);
                    let to = (after + count).min(script.total);
                    let ending = if to == script.total { Ending::Clean } else { ending };
                    let bytes = body(after + 1, to, ending, script.crlf);
                    let mut rest = &bytes[..];
                    while !rest.is_empty() {
                        let (chunk, tail) =
                            rest.split_at((*chunk_sizes.next().unwrap()).min(rest.len()));
                        conn.handle_body(now, chunk);
                        rest = tail;
                        // Sometimes pull between chunks, sometimes not.
                        if chunk.len() % 2 == 0 {
                            collect(&mut conn, &mut delivered, &mut closed)?;
                        }
                    }
                    if let Ending::NetworkError = ending {
                        conn.handle_error(now);
                    } else {
                        conn.handle_end(now);
                    }
                }
            }
        }
        collect(&mut conn, &mut delivered, &mut closed)?;
        if let Some(reason) = closed {
            prop_assert_eq!(reason, CloseReason::Status(204));
            prop_assert_eq!(conn.ready_state(), ReadyState::Closed);
            prop_assert_eq!(delivered, (1..=script.total).collect::<Vec<_>>());
            return Ok(());
        }
        prop_assert_eq!(conn.ready_state(), ReadyState::Connecting);
    }
    Err(TestCaseError::fail("the client never finished"))
}

fn collect(
    conn: &mut Connection,
    delivered: &mut Vec<u64>,
    closed: &mut Option<CloseReason>,
) -> Result<(), TestCaseError> {
    while let Some(item) = conn.poll_item() {
        prop_assert!(closed.is_none(), "an item after Closed: {:?}", item);
        match item {
            Output::Event(event) => {
                let id: u64 = event.id().parse().unwrap();
                prop_assert_eq!(id, delivered.last().map_or(1, |last| last + 1), "in order, once");
                prop_assert_eq!(event.data().as_str(), expected_data(id));
                delivered.push(id);
            }
            Output::Closed { reason } => *closed = Some(reason),
            Output::Open | Output::Reconnecting { .. } => {}
            other => prop_assert!(false, "unexpected item {:?}", other),
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn every_event_once_in_order_whatever_the_outcomes_and_chunking(script in script()) {
        run(&script)?;
    }

    /// Any sequence of calls, in any state, at any (even decreasing) time:
    /// no panic, `Closed` at most once and last, and `Open` only after a
    /// request.
    #[test]
    fn any_call_sequence_is_safe(calls in prop::collection::vec((0..9u8, 0..5_000u64), 0..60)) {
        let mut conn = Connection::builder().idle_timeout(Some(Duration::from_millis(700))).retry_status(503).max_retries(Some(4)).build();
        let mut closed = false;
        let mut sent = false;
        for (call, t) in calls {
            let now = Duration::from_millis(t);
            match call {
                0 => sent |= conn.poll_request(now).is_some(),
                1 => conn.handle_response(now, 200, Some("text/event-stream"), None),
                2 => conn.handle_response(now, 503, None, Some("1")),
                3 => conn.handle_response(now, 404, None, None),
                4 => conn.handle_body(now, b"id: 1\ndata: x\n\ndata: y"),
                5 => conn.handle_end(now),
                6 => conn.handle_error(now),
                7 => conn.handle_timeout(now),
                _ => conn.close(),
            }
            while let Some(item) = conn.poll_item() {
                prop_assert!(!closed, "item after Closed");
                match item {
                    Output::Closed { .. } => closed = true,
                    Output::Open => prop_assert!(sent),
                    Output::Reconnecting { delay, .. } => prop_assert!(delay <= ssekit::connection::DEFAULT_MAX_DELAY),
                    _ => {}
                }
            }
            prop_assert_eq!(closed, conn.ready_state() == ReadyState::Closed);
        }
    }
}
