//! A scripted event source with faults, for the reconnecting client's
//! tests: each request takes the next [`Reply`] of a script.
//!
//! The server holds events `1..=total` (event `n` has id `n` and data
//! `event n`, unless [`FaultServer::without_ids`] is set for the first
//! ones) and resumes after the `Last-Event-ID` of each request. When its
//! script is used up it sends everything left and ends cleanly; once the
//! client has every event it answers `204 No Content`.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use futures_util::StreamExt;
use ssekit::Event;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The path the server answers at.
pub const PATH: &str = "/events";

/// How one request is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `200 text/event-stream`: up to `count` events, then `ending`.
    Events {
        /// Events to send (fewer if fewer are left).
        count: u64,
        /// How the body ends.
        ending: Ending,
    },
    /// A bare status, with a `Retry-After` header if given.
    Status(u16, Option<&'static str>),
    /// `200` with this `Content-Type` and one event.
    ContentType(&'static str),
}

/// How an event body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// After the last whole event.
    Clean,
    /// After the next event's `id` and `data` lines, before its blank line.
    MidEvent,
    /// In the middle of the next event's `data` line, by an error: hyper
    /// drops the connection.
    Dropped,
    /// Not at all: the body stays open and sends nothing more.
    Silent,
}

/// What one request carried.
#[derive(Debug, Clone)]
pub struct Logged {
    /// When it arrived.
    pub at: Instant,
    /// Its method.
    pub method: Method,
    /// Its `Last-Event-ID` header, if any.
    pub last_event_id: Option<String>,
    /// Its `Accept` header.
    pub accept: Option<String>,
    /// Its `Cache-Control` header.
    pub cache_control: Option<String>,
    /// Its body.
    pub body: Bytes,
}

#[derive(Debug)]
struct Inner {
    total: u64,
    retry_ms: Option<u64>,
    without_ids: u64,
    script: VecDeque<Reply>,
    log: Vec<Logged>,
}

/// The server's shared state: its script and its log. Clone it to keep a
/// handle on the log.
#[derive(Debug, Clone)]
pub struct FaultServer(Arc<Mutex<Inner>>);

impl FaultServer {
    /// A server of `total` events that answers with `script`, then with
    /// everything left, then `204`.
    pub fn new(total: u64, script: impl IntoIterator<Item = Reply>) -> Self {
        Self(Arc::new(Mutex::new(Inner {
            total,
            retry_ms: None,
            without_ids: 0,
            script: script.into_iter().collect(),
            log: Vec::new(),
        })))
    }

    /// Starts each body with `retry: ms`.
    pub fn retry(self, ms: u64) -> Self {
        self.lock().retry_ms = Some(ms);
        self
    }

    /// Sends the first `n` events without an `id` field (their data still
    /// says `event n`; the client cannot resume inside them).
    pub fn without_ids(self, n: u64) -> Self {
        self.lock().without_ids = n;
        self
    }

    /// The requests so far.
    pub fn log(&self) -> Vec<Logged> {
        self.lock().log.clone()
    }

    /// The `Last-Event-ID` headers of the requests so far.
    pub fn last_event_ids(&self) -> Vec<Option<String>> {
        self.log().into_iter().map(|logged| logged.last_event_id).collect()
    }

    /// The axum app.
    pub fn router(&self) -> Router {
        Router::new().route(PATH, any(answer)).with_state(self.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The event with id `n`, as the client should deliver it.
pub fn event(n: u64) -> Event {
    Event::new("message", format!("event {n}"), n.to_string())
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

async fn answer(
    State(server): State<FaultServer>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let last_event_id = header(&headers, "last-event-id");
    let (reply, total, retry_ms, without_ids) = {
        let mut inner = server.lock();
        inner.log.push(Logged {
            at: Instant::now(),
            method,
            last_event_id: last_event_id.clone(),
            accept: header(&headers, "accept"),
            cache_control: header(&headers, "cache-control"),
            body,
        });
        let reply = inner.script.pop_front();
        (reply, inner.total, inner.retry_ms, inner.without_ids)
    };
    let after = match last_event_id.as_deref().map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return (StatusCode::BAD_REQUEST, "bad Last-Event-ID").into_response(),
    };
    let reply = match reply {
        Some(reply) => reply,
        None if after >= total => Reply::Status(204, None),
        None => Reply::Events { count: total, ending: Ending::Clean },
    };
    let sse = [(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")];
    let (count, ending) = match reply {
        Reply::Status(status, retry_after) => {
            let status = StatusCode::from_u16(status).expect("a valid status");
            let mut response = status.into_response();
            if let Some(value) = retry_after {
                response.headers_mut().insert(header::RETRY_AFTER, value.parse().expect("ascii"));
            }
            return response;
        }
        Reply::ContentType(content_type) => {
            let body = format!("id: {}\ndata: event {}\n\n", after + 1, after + 1);
            return ([(header::CONTENT_TYPE, content_type)], body).into_response();
        }
        Reply::Events { count, ending } => (count, ending),
    };
    let last = after.saturating_add(count).min(total);
    let ending = if last == total && ending != Ending::Silent { Ending::Clean } else { ending };
    let mut chunks: Vec<Result<Bytes, std::io::Error>> = Vec::new();
    chunks.push(Ok(Bytes::from(match retry_ms {
        Some(ms) => format!("retry: {ms}\n: resuming after {after}\n"),
        None => format!(": resuming after {after}\n"),
    })));
    for n in after + 1..=last {
        let id = if n <= without_ids { String::new() } else { format!("id: {n}\n") };
        chunks.push(Ok(Bytes::from(format!("{id}data: event {n}\n\n"))));
    }
    let next = last + 1;
    match ending {
        Ending::Clean | Ending::Silent => {}
        Ending::MidEvent => chunks.push(Ok(Bytes::from(format!("id: {next}\ndata: cut\n")))),
        Ending::Dropped => {
            chunks.push(Ok(Bytes::from(format!("id: {next}\ndata: cu"))));
            chunks.push(Err(std::io::Error::other("connection dropped on purpose")));
        }
    }
    let stream = futures_util::stream::iter(chunks).then(|chunk| async move {
        if chunk.is_err() {
            // Let what came before reach the client before hyper drops the
            // connection.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        chunk
    });
    let body = if ending == Ending::Silent {
        Body::from_stream(stream.chain(futures_util::stream::pending()))
    } else {
        Body::from_stream(stream)
    };
    (sse, body).into_response()
}
