//! A sans-IO parser for `text/event-stream` (Server-Sent Events), the format
//! behind streaming LLM APIs, live dashboards and notification feeds.
//!
//! # Overview
//!
//! You feed bytes as they arrive, in whatever chunks your transport gives
//! you, and pull what they complete:
//!
//! ```text
//! bytes ──feed──▶ line scanner ──▶ field splitter ──▶ event assembly ──next_item──▶ Item
//!                 (line.rs)        (field.rs)         (parser.rs)
//! ```
//!
//! The [`Parser`] does no IO, starts no threads and reads no clock, so it
//! works the same under tokio, in a blocking client, in a proxy, in a test
//! or in `no_std` firmware. It follows the WHATWG rules exactly: a leading
//! BOM, CR / LF / CRLF line ends (also a CRLF split across two chunks),
//! multi-byte UTF-8 split across chunks, `id` with NUL, `retry` with digits
//! only, events split across any number of chunks.
//!
//! # Example: feeding chunks
//!
//! ```
//! use ssekit::{Item, Parser};
//!
//! let mut parser = Parser::new();
//! let mut seen = Vec::new();
//! // The stream arrives in arbitrary pieces: here, mid-field and mid-CRLF.
//! for chunk in [&b"retry: 3000\r\nid: 1\r\nevent: delta\r\nda"[..], b"ta: {\"text\":\"Hi\"}\r", b"\n\r\n"] {
//!     parser.feed(chunk);
//!     while let Some(item) = parser.next_item() {
//!         match item {
//!             Ok(Item::Event(event)) => seen.push((event.event_type().to_string(), event.data().to_string())),
//!             Ok(Item::Retry(ms)) => assert_eq!(ms, 3000),
//!             Ok(_) => {}
//!             Err(err) => eprintln!("dropped an event: {err}"),
//!         }
//!     }
//! }
//! assert_eq!(seen, [("delta".to_string(), "{\"text\":\"Hi\"}".to_string())]);
//! assert_eq!(parser.last_event_id(), "1");
//! ```
//!
//! # Example: end of stream
//!
//! Call [`Parser::finish`] when the connection closes. A partial last event
//! is discarded, as the specification requires, and
//! [`Parser::last_event_id`] and [`Parser::retry`] tell a client how to
//! reconnect.
//!
//! ```
//! let mut parser = ssekit::Parser::new();
//! parser.feed(b"id: 41\ndata: complete\n\nid: 42\ndata: cut off");
//! parser.finish();
//! let events: Vec<_> = parser.items().collect::<Result<_, _>>().unwrap();
//! assert_eq!(events.len(), 1);
//! // Send `Last-Event-ID: 41` when reconnecting, after `retry` ms.
//! assert_eq!(parser.last_event_id(), "41");
//! assert_eq!(parser.retry(), None);
//! ```
//!
//! # Example: zero-copy with `Bytes`
//!
//! [`Parser::feed_bytes`] takes the chunk by reference count; a value that
//! lies inside it is handed out as a view, not a copy.
//!
//! ```
//! use bytes::Bytes;
//!
//! let chunk = Bytes::from(format!("data: {}\n\n", "x".repeat(1000)));
//! let mut parser = ssekit::Parser::new();
//! parser.feed_bytes(chunk.clone());
//! let event = parser.next_event().unwrap().unwrap();
//! assert_eq!(event.data().as_bytes().as_ptr(), chunk[6..].as_ptr());
//! ```
//!
//! # Example: borrowed events, the fastest way through a stream
//!
//! A caller that looks at each event and lets it go (a proxy that filters
//! or forwards, a client that parses the JSON in place) can borrow events
//! instead of owning them: [`Parser::next_event_ref`] and
//! [`Parser::next_item_ref`] lend an [`EventRef`] / [`ItemRef`] valid until
//! the next call on the parser. No reference count is touched and nothing
//! is allocated, even for events cut by a chunk boundary;
//! [`EventRef::to_event`] keeps one when needed.
//!
//! ```
//! let mut parser = ssekit::Parser::new();
//! let mut total = 0;
//! for chunk in [&b"data: {\"n\":1}\n\ndata: {\"n\""[..], b":2}\n\n"] {
//!     parser.feed(chunk);
//!     while let Some(event) = parser.next_event_ref() {
//!         let event = event.expect("no limit is hit here");
//!         // e.g. serde_json::from_slice(event.data_bytes())
//!         total += event.data_bytes().len();
//!     }
//! }
//! assert_eq!(total, 14);
//! ```
//!
//! # Limits and errors
//!
//! No input makes the parser panic, loop or grow without bound. Lines longer
//! than [`ParserBuilder::max_line_len`] and events larger than
//! [`ParserBuilder::max_event_size`] are skipped as they stream in and
//! reported as an [`Error`] that names the limit, the size and the stream
//! offset; only the offending event is dropped and parsing continues.
//!
//! ```
//! let mut parser = ssekit::Parser::builder().max_line_len(16).build();
//! parser.feed(b"data: this line is far too long\n\ndata: ok\n\n");
//! assert!(matches!(
//!     parser.next_event(),
//!     Some(Err(ssekit::Error::LineTooLong { size: 31, offset: 0, .. }))
//! ));
//! assert_eq!(parser.next_event().unwrap().unwrap().data(), "ok");
//! ```
//!
//! # UTF-8
//!
//! The stream is decoded as UTF-8 with replacement (each maximal invalid
//! sequence becomes U+FFFD), allocating only when bytes really are invalid.
//! [`ParserBuilder::strict_utf8`] makes invalid UTF-8 an
//! [`Error::InvalidUtf8`] instead. Event fields are [`Str`]s: cheap to clone,
//! stored inline when short.
//!
//! # Conformance
//!
//! The rules are those of the WHATWG HTML standard, section "Server-sent
//! events" (<https://html.spec.whatwg.org/multipage/server-sent-events.html>),
//! "Parsing an event stream" and "Interpreting an event stream". Choices the
//! standard leaves open: a `retry` value too large for `u64` saturates at
//! `u64::MAX`, an empty `retry` is ignored. The repository's `spec-vectors/`
//! hold the conformance vectors, each run under every chunking.
//!
//! # Writing streams
//!
//! [`Encoder`] writes events, comments and `retry` fields into any
//! [`bytes::BufMut`], splitting multi-line data into `data:` lines and
//! refusing (with [`EncodeError`], writing nothing) event types and ids that
//! would inject line breaks. Whatever it writes parses back to the same
//! events; a proxy can parse, filter and re-encode without touching bytes it
//! does not change.
//!
//! # Adapters
//!
//! Thin wrappers that only move bytes in and items out, so the parser's
//! tests cover them:
//!
//! * [`io::EventReader`] (feature `std`): an iterator over any
//!   [`std::io::Read`], for blocking clients, files and pipes.
//! * `stream::EventStream` (feature `stream`): a `futures_core::Stream` over
//!   any stream of `Result<impl Buf, E>` chunks, such as
//!   `reqwest::Response::bytes_stream()`; `Bytes` chunks are not copied.
//! * `codec::SseCodec` (feature `codec`): a `tokio_util::codec` decoder and
//!   encoder, for `FramedRead` / `FramedWrite`.
//!
//! # Reconnecting clients
//!
//! A parser is half of an `EventSource`. The other half — which request to
//! send, which response to accept, what to do when the body ends, when to
//! reconnect and with which `Last-Event-ID` — is what hand-written clients get
//! wrong. ssekit has it in the library:
//!
//! - **[`Connection`]**: the connection rules of the WHATWG HTML standard
//!   ("Server-sent events" § Processing model: *announce*, *reestablish* and
//!   *fail the connection*) as a sans-IO state machine. No IO, no clock, no
//!   dependency, `no_std`: you pass the time in (`handle_response`,
//!   `handle_body`, `handle_end`, `handle_error`, `handle_timeout`, `close`)
//!   and ask what to do (`poll_request`, `poll_item`, `poll_timeout`), in the
//!   style of quinn-proto. Every run is deterministic, jitter included (a seeded
//!   generator).
//! - **`client::EventSource`** (feature `reqwest`): that state machine
//!   run with tokio timers over a `reqwest::RequestBuilder` — any method,
//!   headers and body (LLM APIs stream from a `POST`); a request that cannot be
//!   cloned (a streaming body) is refused when you build the source. It yields
//!   a `Stream` of the same items, with errors kept apart (transport, HTTP
//!   status, content type, parse limit). It depends on reqwest without default
//!   features: turn on a TLS feature in your own reqwest dependency for
//!   `https`.
//!
//! ```
//! use std::time::Duration;
//! use ssekit::connection::{Output, ReconnectReason};
//!
//! // The whole loop of a client, with a fake clock in milliseconds.
//! let ms = Duration::from_millis;
//! let mut conn = ssekit::Connection::builder().jitter(0.0).build();
//! let request = conn.poll_request(ms(0)).unwrap();
//! // Send it with your HTTP client: these headers, plus your own.
//! let headers: Vec<_> = request.headers().collect();
//! assert_eq!(headers, [("Accept", "text/event-stream"), ("Cache-Control", "no-cache")]);
//!
//! conn.handle_response(ms(40), 200, Some("text/event-stream; charset=utf-8"), None);
//! conn.handle_body(ms(41), b"retry: 500\nid: 1\ndata: first\n\nid: 2\ndata: cut of");
//! conn.handle_error(ms(42)); // the connection broke
//! let mut items = Vec::new();
//! while let Some(item) = conn.poll_item() {
//!     items.push(item);
//! }
//! assert_eq!(items[0], Output::Open);
//! assert!(matches!(&items[1], Output::Event(e) if e.data() == "first"));
//! assert_eq!(items[2], Output::Reconnecting {
//!     delay: ms(500), // the server's retry
//!     reason: ReconnectReason::NetworkError,
//!     attempt: 1,
//! });
//! assert_eq!(conn.poll_timeout(), Some(ms(542)));
//! let request = conn.poll_request(ms(542)).unwrap();
//! assert_eq!(request.last_event_id(), Some("1")); // not the 2 of the cut event
//! ```
//!
//! What it does, with the defaults of [`ConnectionBuilder`] (each setter's
//! doc says its default):
//!
//! - **Request**: `Accept: text/event-stream`, `Cache-Control: no-cache`, and
//!   `Last-Event-ID` only when the last event ID is not empty; the ID is kept
//!   across connections, and a partial event's `id` never counts.
//! - **Response**: status 200 with a `Content-Type` whose MIME type essence is
//!   `text/event-stream` opens (parsed as Fetch and MIME Sniffing say: case,
//!   whitespace and parameters such as `charset=utf-8` allowed). Any other
//!   status (204, 205, 299, 404, 410, 500, 503, …) or content type closes for
//!   good, never retried — unless you opt in to retrying chosen statuses
//!   (`retry_statuses([429, 502, 503, 504])`), which then honour `Retry-After`
//!   (delta-seconds, or an HTTP-date measured against the response's `Date`,
//!   so no clock is needed).
//!   Redirects are the HTTP client's business.
//! - **End of the body or a network error, before or after open**: reconnect
//!   after the reconnection time — the server's last valid `retry`, else
//!   `default_retry` (3 s, WebKit's and Chromium's value).
//! - **Beyond the browser** ("optionally, wait some more", the standard says):
//!   exponential backoff for reconnections in a row that deliver no event
//!   (×2, growing from at least 1 ms so `retry: 0` cannot make a failing client
//!   spin, capped at 30 s but never below the server's `retry`); it resets once
//!   a connection has opened *and* delivered an event. Jitter stretches each
//!   wait by up to 50 % — never shortens it, so no client comes back sooner
//!   than the server asked. No wait is longer than `max_delay` (5 minutes), so
//!   `retry: 99999999999` cannot park a client for years. `max_retries` (none:
//!   retry for ever, like a browser), `idle_timeout` (none by default, since
//!   only you know the server's keep-alive interval; set it to catch half-open
//!   TCP connections), `reconnect_after_end(false)` for one-shot streams such
//!   as an LLM completion, and `close()` at any time.
//! - **Observable**: the ready state, each transition as an item (`Open`,
//!   `Reconnecting { delay, reason, attempt }`, `Closed { reason }`), and the
//!   time of the next action (`poll_timeout`). A reconnect decision allocates
//!   nothing.
//! - **Cost**: about 60 machine instructions per event on top of the parser
//!   (+4.5 %, counted with callgrind; the reqwest client adds the same over
//!   reqwest plus `stream::EventStream`), and no allocation of its own.
//!
//! How the others compare (read from their sources; the rows are the
//! situations above):
//!
//! | situation | ssekit | browser `EventSource` (WHATWG) | reqwest-eventsource 0.6.0 | LaunchDarkly eventsource-client 0.17.4 |
//! |---|---|---|---|---|
//! | `Last-Event-ID` while no id was seen | not sent | not sent | sent empty on every reconnect | not sent |
//! | `Cache-Control: no-cache` | sent | cache mode "no-store" | not sent | sent |
//! | `200` + `text/event-stream; charset=utf-8` | opens | opens (parameters ignored) | opens (`mime` crate) | opens |
//! | `200` + other or no content type | closes | fails, no reconnect | closes | opens: not checked |
//! | `204 No Content` | closes | fails, no reconnect | closes | opens (any 2xx does) |
//! | other status (404, 500, 503) | closes; opt-in retry with `Retry-After` | fails, no reconnect | closes | first connection: closes; later: retried with backoff |
//! | body ends | reconnects | reconnects | reconnects | reconnects |
//! | network error before open (refused) | reconnects | reconnects | reconnects | first connection: closes (`retry_initial` off); later: reconnects |
//! | network error after open, cut mid-event | reconnects, partial event and its id dropped | same | reconnects | reconnects |
//! | server `retry:` | reconnection time | reconnection time | becomes the backoff start | becomes the backoff base (at least 1 ms) |
//! | `retry: 99999999999` | capped at `max_delay` (5 min) | no bound in the standard | not capped (raises the max) | not capped for the first wait |
//! | backoff on repeated failures | ×2 from the reconnection time, cap 30 s, reset after a delivered event | optional, unspecified | ×2 from 300 ms, cap 5 s, reset on each successful response | ×2 from 1 s, cap 60 s, reset after 60 s connected |
//! | jitter | up to +50 %, seeded; never below `retry` | unspecified | none | always, uniform in [d/2, d] |
//! | maximum attempts | `max_retries` (default none) | none | `max_retries` never reached: the counter never increments ([#29](https://github.com/jpopesculian/reqwest-eventsource/issues/29)) | none (reconnect on/off) |
//! | idle timeout | `idle_timeout` (default none) | none | none of its own | none of its own (the transport's) |
//! | `Retry-After` | honoured for opted-in statuses (seconds, or a date against `Date`) | not used | not read | not read |
//! | `close()` | yes, any state | yes | yes | drop the stream |
//!
//! Sources: the WHATWG HTML standard, "Server-sent events", §9.2.2–9.2.3
//! (<https://html.spec.whatwg.org/multipage/server-sent-events.html>);
//! jpopesculian/reqwest-eventsource at ce0b972, `src/event_source.rs` (status and
//! content type checks, `retry_fetch`, `handle_error`) and `src/retry.rs`
//! (`DEFAULT_RETRY`, `set_reconnection_time`), and its issue #29 (PR #22, open,
//! fixes the counter); launchdarkly/rust-eventsource-client at 13d2b22,
//! `eventsource-client/src/client.rs` (default headers, `send_request`, the
//! `Connecting` state's status handling), `src/retry.rs` (`BackoffRetry`,
//! `DEFAULT_RESET_RETRY_INTERVAL`, the 1 ms floor) and `src/config.rs`
//! (`ReconnectOptions::default`). The 3 s default of WebKit and Chromium:
//! WebKit's `EventSource.cpp` (`defaultReconnectDelay = 3000`) and Blink's
//! `event_source.cc` (`kDefaultReconnectDelay = 3000`).
//!
//!
//! The repository's `interop/tests/client.rs` runs the client against a real axum server on
//! 127.0.0.1 with each fault above; `tests/connection.rs` covers every
//! transition with a fake clock, and `tests/connection_props.rs` checks against
//! a model server that for any sequence of outcomes and any chunking each event
//! arrives once, in order.
//!
//! # Crate features
//!
//! * `std` (default): `std::error::Error` for [`Error`], std support in
//!   `bytes` and `memchr`, and the [`io`] adapter. Without it the crate is
//!   `#![no_std]` and needs only `alloc`.
//! * `stream`: the `futures_core::Stream` adapter (adds `futures-core`).
//! * `codec`: the `tokio_util::codec` adapter (adds `tokio-util`).
//! * `reqwest`: `client::EventSource`, a reconnecting client over reqwest
//!   (adds `reqwest` without default features, `tokio` with timers, and
//!   `futures-core`).
//! * `cli`: the `ssekit` command-line tool (adds `lexopt`, `serde_json`,
//!   `rustls` and the `reqwest` feature, with https through rustls and a
//!   tokio runtime). Build it with `cargo install ssekit --features cli`.
//!
//! The library builds with Rust 1.85 (`rust-version`); the `reqwest` and
//! `cli` features need 1.88, for reqwest's own dependencies.
//!
//! # Design: no IO
//!
//! Nothing in the crate does IO or reads a clock. The parser reports the
//! numbers a reconnecting client needs ([`Parser::retry`],
//! [`Parser::last_event_id`]) and keeps them across [`Parser::reset`]; the
//! [`Connection`] state machine applies the `EventSource` reconnection rules
//! with the time passed in; only the `reqwest` feature's client does IO.
//!
//! # The one `unsafe`
//!
//! The crate is `#![deny(unsafe_code)]`. One private function in
//! `src/text.rs` turns bytes that were just checked to be UTF-8, or that a
//! [`Str`] was built from, into a `&str` without checking them again, so
//! that [`Str::as_str`] and the [`EventRef`] accessors are free. Its
//! invariant is argued there, re-checked by a debug assertion, and the
//! tests run under Miri in CI.

#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
// The library is `no_std`: reach for `core`/`alloc` first (tests may use std).
#![warn(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]
#![doc(test(attr(deny(warnings))))]
// docs.rs builds with `--cfg docsrs` (Cargo.toml): label feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod encode;
mod error;
mod event;
mod field;
mod line;
mod parser;
mod text;

#[cfg(feature = "reqwest")]
pub mod client;
#[cfg(feature = "codec")]
pub mod codec;
pub mod connection;
#[cfg(feature = "std")]
pub mod io;
#[cfg(feature = "stream")]
pub mod stream;

pub use crate::connection::{Connection, ConnectionBuilder, ReadyState};
pub use crate::encode::{EncodeError, Encoder};
pub use crate::error::Error;
pub use crate::event::{Event, EventRef, Item, ItemRef};
pub use crate::parser::{
    Items, Parser, ParserBuilder, DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_LEN,
};
pub use crate::text::Str;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
