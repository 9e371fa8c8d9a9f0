//! A reconnecting `EventSource` over [reqwest] (feature `reqwest`):
//! [`EventSource`].
//!
//! It runs the [`Connection`] state machine with tokio timers: it sends the
//! request you built (any method, headers and body: LLM APIs stream from a
//! `POST`) with the `EventSource` headers added, feeds the body to the
//! parser, and reconnects as the [`ConnectionBuilder`] says. It parses
//! nothing itself.
//!
//! ssekit depends on reqwest without default features (plain HTTP). For
//! `https`, turn a TLS feature on in your own reqwest dependency (for
//! example `reqwest = { version = "0.13", features = ["rustls"] }`): Cargo
//! unifies the features. Timers need a tokio runtime with the time driver
//! enabled (`#[tokio::main]` has it).
//!
//! ```no_run
//! use futures_core::Stream;
//! use ssekit::client::EventSource;
//! use ssekit::connection::Output;
//! use std::pin::Pin;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let request = reqwest::Client::new().post("http://127.0.0.1:8080/v1/stream").body("{}");
//! let mut source = EventSource::new(request)?;
//! // `futures_util::StreamExt::next(&mut source)` does the same.
//! while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut source).poll_next(cx)).await {
//!     match item {
//!         Ok(Output::Event(event)) => println!("{}: {}", event.event_type(), event.data()),
//!         Ok(Output::Reconnecting { delay, reason, .. }) => eprintln!("{reason:?}; again in {delay:?}"),
//!         Ok(_) => {}
//!         Err(err) => eprintln!("{err}"), // the stream goes on until `Closed`
//!     }
//! }
//! # Ok(())
//! # }
//! # drop(run());
//! ```
//!
//! (Compiled, not run: it needs a server. The `interop/` tests run it
//! against one.)

use crate::connection::Output;
use crate::{Connection, ConnectionBuilder, Parser, ReadyState};
use bytes::Bytes;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;
use futures_core::Stream;
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use std::borrow::Cow;
use std::boxed::Box;
use std::string::String;
use std::vec::Vec;
use tokio::time::{Instant, Sleep};

const LAST_EVENT_ID: HeaderName = HeaderName::from_static("last-event-id");

type ResponseFuture = Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send>>;
type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// Why an [`EventSource`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The request cannot be cloned (its body is a stream), and reconnecting
    /// means sending it again. Use a body held in memory.
    #[error("the request cannot be cloned (a streaming body?), so it cannot be sent again")]
    NotCloneable,
    /// The request builder holds an error (an invalid URL or header).
    #[error("invalid request: {0}")]
    Request(#[source] reqwest::Error),
}

/// A problem an [`EventSource`] reports as a stream item. None ends the
/// stream: a transport error or a retried status is followed by
/// [`Output::Reconnecting`], a refused response by [`Output::Closed`], a
/// parse error by more events.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The request or the body failed (connection refused or reset, a
    /// timeout of your reqwest client, …).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The response's status was not 200. The response is here, body
    /// unread, for its headers and error message.
    #[error("the server answered {}", .0.status())]
    Status(Box<reqwest::Response>),
    /// A 200 response that is not `text/event-stream`.
    #[error("not an event stream: Content-Type {:?}", .0.headers().get(CONTENT_TYPE))]
    ContentType(Box<reqwest::Response>),
    /// The parser dropped an event (a limit was exceeded).
    #[error(transparent)]
    Parse(crate::Error),
    /// The last event ID holds bytes a header value cannot carry (control
    /// characters); the source closes rather than resend from the start.
    #[error("the last event ID {0:?} cannot be sent as a header")]
    InvalidLastEventId(String),
}

/// A reconnecting `EventSource`: a [`Stream`] of [`Output`]s (the `Open`
/// notice, events, reconnections, and a last `Closed`) and
/// [`ClientError`]s, built from a [`reqwest::RequestBuilder`].
///
/// The stream ends (`None`) after [`Output::Closed`]. Drop it, or call
/// [`close`](Self::close), to stop.
pub struct EventSource {
    client: reqwest::Client,
    request: reqwest::Request,
    conn: Connection,
    epoch: Instant,
    /// Never lets the clock passed to `conn` go back, and lets a fired timer
    /// count as having reached its deadline.
    last_now: Duration,
    response: Option<ResponseFuture>,
    body: Option<Body>,
    timer: Option<Pin<Box<Sleep>>>,
    /// A problem to report before the next reconnect or close notice.
    error: Option<ClientError>,
    held: Option<Output>,
    done: bool,
}

impl core::fmt::Debug for EventSource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EventSource")
            .field("request", &self.request)
            .field("connection", &self.conn)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl EventSource {
    /// An event source with the default [`ConnectionBuilder`] and [`Parser`].
    ///
    /// # Errors
    ///
    /// [`BuildError`] if the request cannot be built or cloned.
    pub fn new(request: reqwest::RequestBuilder) -> Result<Self, BuildError> {
        Self::with_config(request, &ConnectionBuilder::new(), Parser::new())
    }

    /// An event source with your reconnection settings and parser (limits,
    /// comments; its last event ID, if set, goes on the first request).
    ///
    /// A `Last-Event-ID` header on `request` is taken as the starting last
    /// event ID when the parser has none. Unless you set a
    /// [`seed`](ConnectionBuilder::seed), the jitter is seeded at random.
    ///
    /// # Errors
    ///
    /// [`BuildError`] if the request cannot be built or cloned.
    pub fn with_config(
        request: reqwest::RequestBuilder,
        connection: &ConnectionBuilder,
        mut parser: Parser,
    ) -> Result<Self, BuildError> {
        let (client, request) = request.build_split();
        let mut request = request.map_err(BuildError::Request)?;
        if request.try_clone().is_none() {
            return Err(BuildError::NotCloneable);
        }
        if let Some(id) = request.headers_mut().remove(LAST_EVENT_ID) {
            if parser.last_event_id().is_empty() {
                parser.set_last_event_id(String::from_utf8_lossy(id.as_bytes()).as_ref());
            }
        }
        let mut connection = connection.clone();
        if connection.seed.is_none() {
            use core::hash::BuildHasher;
            connection.seed(std::collections::hash_map::RandomState::new().hash_one(0u8));
        }
        Ok(Self {
            client,
            request,
            conn: connection.build_with_parser(parser),
            epoch: Instant::now(),
            last_now: Duration::ZERO,
            response: None,
            body: None,
            timer: None,
            error: None,
            held: None,
            done: false,
        })
    }

    /// The state machine: ready state, parser, last event ID.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The ready state.
    pub fn ready_state(&self) -> ReadyState {
        self.conn.ready_state()
    }

    /// The last event ID: what the next request sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &str {
        self.conn.parser().last_event_id()
    }

    /// Closes for good: drops the connection; the stream yields
    /// [`Output::Closed`] and ends.
    pub fn close(&mut self) {
        self.conn.close();
        self.response = None;
        self.body = None;
    }

    fn now(&mut self) -> Duration {
        self.last_now = self.last_now.max(self.epoch.elapsed());
        self.last_now
    }

    /// The next request, or `None` (and the source closed) if it cannot be
    /// made.
    fn send(&mut self, last_event_id: Option<&str>) -> Option<ResponseFuture> {
        let mut request = self.request.try_clone()?;
        let headers = request.headers_mut();
        headers.entry(ACCEPT).or_insert(HeaderValue::from_static("text/event-stream"));
        headers.entry(CACHE_CONTROL).or_insert(HeaderValue::from_static("no-cache"));
        if let Some(id) = last_event_id {
            let Ok(value) = HeaderValue::from_bytes(id.as_bytes()) else {
                self.error = Some(ClientError::InvalidLastEventId(id.into()));
                return None;
            };
            headers.insert(LAST_EVENT_ID, value);
        }
        Some(Box::pin(self.client.execute(request)))
    }

    fn on_response(&mut self, response: reqwest::Response) {
        let now = self.now();
        let headers = response.headers();
        let types: Vec<Cow<'_, str>> = headers
            .get_all(CONTENT_TYPE)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()))
            .collect();
        let content_type = match types.as_slice() {
            [] => None,
            [one] => Some(Cow::Borrowed(one.as_ref())),
            many => Some(Cow::Owned(many.join(", "))),
        };
        let retry_after = headers.get(RETRY_AFTER).and_then(|value| value.to_str().ok());
        let status = response.status().as_u16();
        self.conn.handle_response(now, status, content_type.as_deref(), retry_after);
        if self.conn.ready_state() == ReadyState::Open {
            self.body = Some(Box::pin(response.bytes_stream()));
        } else if status == 200 {
            self.error = Some(ClientError::ContentType(Box::new(response)));
        } else {
            self.error = Some(ClientError::Status(Box::new(response)));
        }
    }
}

impl Stream for EventSource {
    type Item = Result<Output, ClientError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(notice) = this.held.take() {
                this.done = matches!(notice, Output::Closed { .. });
                return Poll::Ready(Some(Ok(notice)));
            }
            if let Some(item) = this.conn.poll_item() {
                let notice = matches!(item, Output::Reconnecting { .. } | Output::Closed { .. });
                if notice {
                    this.response = None;
                    this.body = None;
                    if let Some(err) = this.error.take() {
                        this.held = Some(item);
                        return Poll::Ready(Some(Err(err)));
                    }
                }
                this.done = matches!(item, Output::Closed { .. });
                return Poll::Ready(Some(match item {
                    Output::ParseError(err) => Err(ClientError::Parse(err)),
                    item => Ok(item),
                }));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let now = this.now();
            if let Some(request) = this.conn.poll_request(now) {
                match this.send(request.last_event_id()) {
                    Some(future) => this.response = Some(future),
                    None => this.conn.close(),
                }
                continue;
            }
            if let Some(future) = this.response.as_mut() {
                if let Poll::Ready(result) = future.as_mut().poll(cx) {
                    this.response = None;
                    match result {
                        Ok(response) => this.on_response(response),
                        Err(err) => {
                            let now = this.now();
                            this.conn.handle_error(now);
                            this.error = Some(ClientError::Transport(err));
                        }
                    }
                    continue;
                }
            }
            if let Some(body) = this.body.as_mut() {
                if let Poll::Ready(chunk) = body.as_mut().poll_next(cx) {
                    let now = this.now();
                    match chunk {
                        Some(Ok(bytes)) => this.conn.handle_body_bytes(now, bytes),
                        Some(Err(err)) => {
                            this.body = None;
                            this.conn.handle_error(now);
                            this.error = Some(ClientError::Transport(err));
                        }
                        None => {
                            this.body = None;
                            this.conn.handle_end(now);
                        }
                    }
                    continue;
                }
            }
            let Some(deadline) = this.conn.poll_timeout() else { return Poll::Pending };
            let Some(at) = this.epoch.checked_add(deadline) else { return Poll::Pending };
            let timer = this.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
            if timer.deadline() != at {
                timer.as_mut().reset(at);
            }
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.last_now = this.last_now.max(deadline);
            let now = this.now();
            this.conn.handle_timeout(now);
        }
    }
}
