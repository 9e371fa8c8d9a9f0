//! Reconnecting with `Last-Event-ID` after the `retry` delay.
//!
//! [`server`] is a resumable event source: events `1..=total`, each with its
//! number as id; every connection starts with a `retry` field, sends a few
//! events after the `Last-Event-ID` the client sent, and then ends the
//! connection in one of three ways ([`Ending`]). [`follow`] runs
//! [`ssekit::client::EventSource`], which does what a browser's
//! `EventSource` does: connect, parse, and when the connection ends, wait
//! the `retry` delay and reconnect with the last event ID.
//!
//! Neither side knows about the other's internals: the only contract is the
//! event-stream format and the `Last-Event-ID` header, so no event is lost or
//! repeated exactly when the parser's last event ID is right, including
//! after a connection that ends in the middle of an event (whose `id` must
//! not count).

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use ssekit::client::{ClientError, EventSource};
use ssekit::connection::{CloseReason, Output, ReconnectReason};
use ssekit::{ConnectionBuilder, Encoder, Event, Parser};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The path [`server`] serves its events at.
pub const PATH: &str = "/events";

/// How the server ends a connection after its batch of events (when more
/// events remain; after the last event it always ends cleanly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The response body ends after the last whole event.
    Clean,
    /// The response body ends after the next event's `id` and `data` lines
    /// but before the blank line that would dispatch it: the parser must
    /// discard that event, and its `id` must not become the last event ID.
    Truncated,
    /// The next event is cut mid-line and then the body fails: hyper drops
    /// the connection without finishing the response, so the client sees a
    /// transport error rather than an end of stream.
    Aborted,
}

/// Settings of the resumable test [`server`].
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The events that exist have ids `1..=total`. A client that has seen
    /// them all gets `204 No Content`, which tells an `EventSource` to stop.
    pub total: u64,
    /// Events sent per connection before the server ends it.
    pub per_connection: u64,
    /// The `retry` field (milliseconds) sent at the start of each connection.
    pub retry_ms: u64,
    /// Connection `n` (from 0) ends as `endings[n % endings.len()]`; empty
    /// means [`Ending::Clean`].
    pub endings: Vec<Ending>,
}

/// What the server was asked: one entry per request, the `Last-Event-ID`
/// header it carried (`None` if it had none).
#[derive(Debug, Clone, Default)]
pub struct ServerLog(Arc<Mutex<Vec<Option<String>>>>);

impl ServerLog {
    /// The `Last-Event-ID` headers of the requests so far, in order.
    pub fn requests(&self) -> Vec<Option<String>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn record(&self, last_event_id: Option<String>) -> usize {
        let mut requests = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        requests.push(last_event_id);
        requests.len() - 1
    }
}

/// The event with id `n`, as the server sends it.
pub fn event(n: u64) -> Event {
    Event::new("tick", format!("tick #{n}"), n.to_string())
}

/// A resumable event source at [`PATH`], and the log of what it was asked.
///
/// It resumes after the id in the `Last-Event-ID` header (which must be a
/// number, or the answer is `400 Bad Request`). Its body is written with
/// [`ssekit::Encoder`] and sent as a raw `text/event-stream` body, one chunk
/// per event, because an [`Ending`] other than `Clean` cannot be expressed
/// with axum's own SSE type.
pub fn server(config: ServerConfig) -> (Router, ServerLog) {
    let log = ServerLog::default();
    let router =
        Router::new().route(PATH, get(serve_events)).with_state((Arc::new(config), log.clone()));
    (router, log)
}

async fn serve_events(
    State((config, log)): State<(Arc<ServerConfig>, ServerLog)>,
    headers: HeaderMap,
) -> Response {
    let last_event_id = headers
        .get("last-event-id")
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let connection = log.record(last_event_id.clone());
    let after = match last_event_id.as_deref().map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return (StatusCode::BAD_REQUEST, "bad Last-Event-ID").into_response(),
    };
    if after >= config.total {
        return StatusCode::NO_CONTENT.into_response();
    }
    let last = after.saturating_add(config.per_connection.max(1)).min(config.total);
    let ending = if last == config.total || config.endings.is_empty() {
        Ending::Clean
    } else {
        config.endings[connection % config.endings.len()]
    };

    let mut encoder = Encoder::new();
    let mut buf = BytesMut::new();
    let mut chunks: Vec<Result<Bytes, std::io::Error>> = Vec::new();
    encoder.retry(&mut buf, config.retry_ms);
    encoder.comment(&mut buf, &format!(" connection {connection}, resuming after {after}"));
    chunks.push(Ok(buf.split().freeze()));
    for n in after + 1..=last {
        encoder.event(&mut buf, &event(n)).expect("the ids are numbers");
        chunks.push(Ok(buf.split().freeze()));
    }
    let next = last + 1;
    match ending {
        Ending::Clean => {}
        Ending::Truncated => {
            chunks.push(Ok(Bytes::from(format!("event: tick\nid: {next}\ndata: tick #{next}\n"))));
        }
        Ending::Aborted => {
            chunks.push(Ok(Bytes::from(format!("event: tick\nid: {next}\ndata: ti"))));
            chunks.push(Err(std::io::Error::other("connection dropped on purpose")));
        }
    }
    (
        [(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")],
        Body::from_stream(futures_util::stream::iter(chunks).then(|chunk| async move {
            if chunk.is_err() {
                // hyper drops what it has not flushed yet when a body
                // fails: pause first, so the events before the break do
                // reach the client, as they would from a server that died
                // after sending them.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            chunk
        })),
    )
        .into_response()
}

/// Settings of the client loop [`follow`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Stop after this many events.
    pub max_events: usize,
    /// Give up after this many connection attempts in a row that deliver no
    /// event.
    pub max_connections: usize,
    /// The delay before reconnecting while the server has sent no `retry`.
    pub default_retry: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self { max_events: usize::MAX, max_connections: 100, default_retry: Duration::from_secs(3) }
    }
}

/// What the client loop did, in order (for printing and for tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Connecting, the `attempt`-th time, with this `Last-Event-ID` (none
    /// when empty).
    Connecting {
        /// 1 for the first connection.
        attempt: usize,
        /// The header sent, `""` for none.
        last_event_id: String,
    },
    /// An event arrived.
    Event(Event),
    /// The server set the reconnection delay.
    Retry(Duration),
    /// The parser dropped an event (a limit was exceeded).
    Invalid(String),
    /// The response ended (a partial last event was discarded).
    Ended,
    /// The connection failed or broke off.
    Dropped(String),
    /// Waiting this long before reconnecting.
    Waiting(Duration),
    /// The server answered `204 No Content`: stop.
    NoContent,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connecting { attempt, last_event_id } if last_event_id.is_empty() => {
                write!(f, "connect #{attempt} (no Last-Event-ID)")
            }
            Self::Connecting { attempt, last_event_id } => {
                write!(f, "connect #{attempt} with Last-Event-ID: {last_event_id}")
            }
            Self::Event(event) => write!(
                f,
                "  event {:?} id {:?} data {:?}",
                event.event_type().as_str(),
                event.id().as_str(),
                event.data().as_str()
            ),
            Self::Retry(delay) => write!(f, "  server sets retry to {} ms", delay.as_millis()),
            Self::Invalid(err) => write!(f, "  event dropped by the parser: {err}"),
            Self::Ended => write!(f, "  response ended"),
            Self::Dropped(err) => write!(f, "  connection dropped: {err}"),
            Self::Waiting(delay) => write!(f, "  waiting {} ms", delay.as_millis()),
            Self::NoContent => write!(f, "  204 No Content: the server says stop"),
        }
    }
}

/// Why [`follow`] gave up.
#[derive(Debug)]
#[non_exhaustive]
pub enum FollowError {
    /// The server answered with a status other than 200 or 204.
    Status(StatusCode),
    /// The response was not `text/event-stream`.
    ContentType(String),
    /// [`Options::max_connections`] attempts in a row delivered no event.
    TooManyConnections(usize),
    /// The request could not be built.
    Request(String),
}

impl fmt::Display for FollowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(status) => write!(f, "the server answered {status}"),
            Self::ContentType(mime) => write!(f, "not an event stream: {mime:?}"),
            Self::TooManyConnections(n) => write!(f, "gave up after {n} connections"),
            Self::Request(err) => write!(f, "bad request: {err}"),
        }
    }
}

impl std::error::Error for FollowError {}

/// Follows the event stream at `url` the way an `EventSource` does, until
/// `options.max_events` events arrived or the server answers `204`.
///
/// A thin user of [`ssekit::client::EventSource`]: the reconnect rules
/// (`Last-Event-ID`, the server's `retry`, what fails for good) are the
/// library's; this loop only turns its items into [`Step`]s. It asks for a
/// browser's timing (the reconnection time exactly: no backoff, no jitter)
/// and gives up after [`Options::max_connections`] connection attempts in
/// a row that deliver no event.
///
/// # Errors
///
/// A [`FollowError`] for a status other than 200 or 204, a content type
/// other than `text/event-stream`, or too many failed attempts.
pub async fn follow(
    client: &reqwest::Client,
    url: &str,
    options: &Options,
    mut on_step: impl FnMut(&Step),
) -> Result<Vec<Event>, FollowError> {
    let retries = options.max_connections.saturating_sub(1);
    let mut config = ConnectionBuilder::new();
    config
        .default_retry(options.default_retry)
        .backoff_factor(1.0)
        .jitter(0.0)
        .max_retries(Some(u32::try_from(retries).unwrap_or(u32::MAX)))
        .emit_retry(true);
    let mut source = EventSource::with_config(client.get(url), &config, Parser::new())
        .map_err(|err| FollowError::Request(err.to_string()))?;
    let mut events = Vec::new();
    let mut attempt = 1;
    let mut content_type = String::new();
    on_step(&Step::Connecting { attempt, last_event_id: String::new() });
    while let Some(item) = source.next().await {
        match item {
            Ok(Output::Event(event)) => {
                on_step(&Step::Event(event.clone()));
                events.push(event);
                if events.len() >= options.max_events {
                    source.close();
                    return Ok(events);
                }
            }
            Ok(Output::Retry(ms)) => on_step(&Step::Retry(Duration::from_millis(ms))),
            Ok(Output::Reconnecting { delay, reason, .. }) => {
                // A broken connection was reported by its transport error.
                if reason == ReconnectReason::Ended {
                    on_step(&Step::Ended);
                }
                on_step(&Step::Waiting(delay));
                attempt += 1;
                let last_event_id = source.last_event_id().to_string();
                on_step(&Step::Connecting { attempt, last_event_id });
            }
            Ok(Output::Closed { reason }) => {
                return match reason {
                    CloseReason::Status(204) => {
                        on_step(&Step::NoContent);
                        Ok(events)
                    }
                    CloseReason::Status(status) => Err(FollowError::Status(
                        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
                    )),
                    CloseReason::ContentType => Err(FollowError::ContentType(content_type)),
                    CloseReason::RetriesExhausted { .. } => {
                        Err(FollowError::TooManyConnections(options.max_connections))
                    }
                    _ => Ok(events),
                };
            }
            Ok(_) => {}
            Err(ClientError::Transport(err)) => on_step(&Step::Dropped(error_chain(&err))),
            Err(ClientError::ContentType(response)) => {
                content_type = response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
                    .unwrap_or_default();
            }
            Err(ClientError::Parse(err)) => on_step(&Step::Invalid(err.to_string())),
            Err(_) => {}
        }
    }
    Ok(events)
}

/// An error and its sources, `: `-separated (reqwest's own message is
/// often just "error decoding response body").
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(err) = source {
        text.push_str(": ");
        text.push_str(&err.to_string());
        source = err.source();
    }
    text
}
