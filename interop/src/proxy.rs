//! The `proxy` example's logic: read an upstream event stream, filter and
//! rewrite its items, and re-encode them with [`ssekit::Encoder`].
//!
//! The rules ([`rewrite`]): `ping` events are dropped, `alert` events are
//! renamed `ALERT`, and everything else (other events, `retry` fields,
//! comments, which upstream servers send as keep-alives) is forwarded as it
//! came. [`proxy_body`] applies them to a stream of byte chunks and
//! [`downstream`] serves the result as an axum endpoint; [`demo_upstream`]
//! is an upstream to try it on, written with axum's own SSE type.
//!
//! Ids survive the trip: an event's id is the stream's last event ID, and
//! the encoder writes an `id` line whenever it differs from the last one it
//! wrote, so a downstream client's `Last-Event-ID` is the id of the last
//! event it was forwarded (the id of a dropped `ping` is passed on with the
//! next forwarded event).

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{self, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use ssekit::stream::{EventStream, StreamError};
use ssekit::{Encoder, Event, Item, Parser};
use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The path the upstream and downstream endpoints serve their streams at.
pub const PATH: &str = "/events";

/// What the proxy did with one upstream item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Forwarded unchanged (an event, a retry or a comment).
    Forward(Item),
    /// An event forwarded under a new type.
    Rename {
        /// The upstream type.
        from: String,
        /// The event as forwarded.
        to: Event,
    },
    /// An event dropped by the rules.
    Drop(Event),
    /// An upstream event the parser dropped (it exceeded a limit).
    Invalid(ssekit::Error),
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Forward(Item::Event(event)) => write!(
                f,
                "forward event {:?} (id {:?})",
                event.event_type().as_str(),
                event.id().as_str()
            ),
            Self::Forward(Item::Retry(ms)) => write!(f, "forward retry: {ms}"),
            Self::Forward(Item::Comment(text)) => {
                write!(f, "forward comment {:?} as a keep-alive", text.as_str())
            }
            Self::Forward(item) => write!(f, "forward {item:?}"),
            Self::Rename { from, to } => write!(
                f,
                "rename event {from:?} to {:?} (id {:?})",
                to.event_type().as_str(),
                to.id().as_str()
            ),
            Self::Drop(event) => {
                write!(
                    f,
                    "drop event {:?} (id {:?})",
                    event.event_type().as_str(),
                    event.id().as_str()
                )
            }
            Self::Invalid(err) => write!(f, "upstream event dropped by the parser: {err}"),
        }
    }
}

/// The rules: drop `ping` events, rename `alert` to `ALERT`, forward the
/// rest.
pub fn rewrite(item: Item) -> Action {
    match item {
        Item::Event(event) if event.event_type() == "ping" => Action::Drop(event),
        Item::Event(event) if event.event_type() == "alert" => {
            let (event_type, data, id) = event.into_parts();
            let to = Event::new(event_type.to_uppercase(), data, id);
            Action::Rename { from: event_type.into(), to }
        }
        item => Action::Forward(item),
    }
}

/// Parses `upstream`, applies [`rewrite`] to each item, tells `log` what it
/// did, and re-encodes what is kept: one `Bytes` chunk per forwarded item.
///
/// An upstream transport error becomes an error of this stream (so a
/// downstream HTTP response breaks off too, and its client reconnects).
pub fn proxy_body<S, E>(
    upstream: S,
    mut log: impl FnMut(&Action) + Send + 'static,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static
where
    S: Stream<Item = Result<Bytes, E>> + Unpin + Send + 'static,
    E: std::error::Error + Send + Sync + 'static,
{
    let parser = Parser::builder().emit_comments(true).build();
    let mut encoder = Encoder::new();
    let mut buf = BytesMut::new();
    EventStream::with_parser(upstream, parser).filter_map(move |item| {
        let action = match item {
            Ok(item) => rewrite(item),
            Err(StreamError::Parse(err)) => Action::Invalid(err),
            Err(StreamError::Transport(err)) => {
                return std::future::ready(Some(Err(std::io::Error::other(err))));
            }
            Err(err) => {
                return std::future::ready(Some(Err(std::io::Error::other(err.to_string()))))
            }
        };
        log(&action);
        let written = match &action {
            Action::Forward(Item::Event(event)) | Action::Rename { to: event, .. } => {
                // A parsed event never has a line break in its type or id,
                // nor NUL in its id: the encoder accepts whatever the parser
                // hands out.
                encoder.event(&mut buf, event).map_err(std::io::Error::other).map(|()| true)
            }
            Action::Forward(Item::Retry(ms)) => {
                encoder.retry(&mut buf, *ms);
                Ok(true)
            }
            Action::Forward(Item::Comment(text)) => {
                encoder.comment(&mut buf, text);
                Ok(true)
            }
            _ => Ok(false),
        };
        std::future::ready(match written {
            Ok(true) => Some(Ok(buf.split().freeze())),
            Ok(false) => None,
            Err(err) => Some(Err(err)),
        })
    })
}

/// A callback that is told every [`Action`] of every proxied connection.
pub type Logger = Arc<dyn Fn(&Action) + Send + Sync>;

/// An axum app that proxies `upstream` (an event-stream URL) at [`PATH`]:
/// each request opens its own upstream request (passing on the client's
/// `Last-Event-ID`) and streams back [`proxy_body`] of it.
pub fn downstream(client: reqwest::Client, upstream: String, log: Logger) -> Router {
    Router::new().route(PATH, get(proxy_request)).with_state(Arc::new((client, upstream, log)))
}

async fn proxy_request(
    State(state): State<Arc<(reqwest::Client, String, Logger)>>,
    headers: HeaderMap,
) -> Response {
    let (client, upstream, log) = &*state;
    let mut request = client.get(upstream).header(header::ACCEPT, "text/event-stream");
    if let Some(id) = headers.get("last-event-id") {
        request = request.header("last-event-id", id);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => return (StatusCode::BAD_GATEWAY, err.to_string()).into_response(),
    };
    if response.status() != StatusCode::OK {
        // 204 (stop reconnecting) and errors are passed on as they are.
        return response.status().into_response();
    }
    let log = Arc::clone(log);
    let body = proxy_body(Box::pin(response.bytes_stream()), move |action| log(action));
    (
        [(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")],
        Body::from_stream(body),
    )
        .into_response()
}

/// The events [`demo_upstream`] sends, in axum's own SSE type.
pub fn demo_events() -> Vec<sse::Event> {
    vec![
        sse::Event::default().retry(Duration::from_millis(1500)).comment("upstream says hello"),
        sse::Event::default().event("ping").data("0"),
        sse::Event::default().data("plain message"),
        sse::Event::default().event("alert").id("1").data("disk 91% full"),
        sse::Event::default().event("ping").id("2").data("1"),
        sse::Event::default().comment("keep-alive"),
        sse::Event::default().event("update").data("{\n  \"temperature\": 21.5\n}"),
        sse::Event::default().event("alert").id("3").data("🔥 température élevée"),
        sse::Event::default().event("ping").data("2"),
        sse::Event::default().data("bye"),
    ]
}

/// An upstream to try the proxy on: [`demo_events`] at [`PATH`], through
/// axum's [`Sse`] response type, then the end of the stream.
pub fn demo_upstream() -> Router {
    Router::new().route(
        PATH,
        get(|| async {
            Sse::new(futures_util::stream::iter(demo_events().into_iter().map(Ok::<_, Infallible>)))
        }),
    )
}
