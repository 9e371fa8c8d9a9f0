//! Async: [`EventStream`] turns a stream of byte chunks into a stream of
//! items (feature `stream`).
//!
//! Any `Stream<Item = Result<B, E>>` with `B:` [`Buf`] plugs in: a
//! `reqwest::Response::bytes_stream()`, `http_body` data frames, a channel of
//! `Bytes`. A `Bytes` chunk is handed to the parser without a copy. The
//! adapter adds no parsing of its own.
//!
//! ```
//! use bytes::Bytes;
//! use futures_core::Stream;
//! use ssekit::{stream::EventStream, Item};
//! use std::pin::Pin;
//! use std::task::{Context, Poll, Waker};
//!
//! // An in-memory body; over the network this is `response.bytes_stream()`.
//! struct Body(Vec<Bytes>);
//! impl Stream for Body {
//!     type Item = Result<Bytes, std::io::Error>;
//!     fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
//!         Poll::Ready(if self.0.is_empty() { None } else { Some(Ok(self.0.remove(0))) })
//!     }
//! }
//!
//! let body = Body(vec![Bytes::from_static(b"data: hel"), Bytes::from_static(b"lo\n\n")]);
//! let mut events = EventStream::new(body);
//! let mut cx = Context::from_waker(Waker::noop());
//! let Poll::Ready(Some(Ok(Item::Event(event)))) = Pin::new(&mut events).poll_next(&mut cx) else {
//!     panic!("expected an event");
//! };
//! assert_eq!(event.data(), "hello");
//! ```

use crate::{Error, Item, Parser};
use bytes::Buf;
use core::pin::Pin;
use core::task::{Context, Poll};
use futures_core::Stream;

/// An error from an [`EventStream`]: the transport's, or the parser's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError<E> {
    /// The parser dropped an event (a limit was exceeded). The stream goes
    /// on: keep polling.
    #[error(transparent)]
    Parse(Error),
    /// The underlying stream failed. Polling again polls the underlying
    /// stream again; most callers stop and reconnect.
    #[error("transport error: {0}")]
    Transport(E),
}

/// A [`Stream`] of [`Item`]s parsed from a stream of byte chunks.
///
/// When the underlying stream ends, the parser's end-of-stream rule applies
/// (a partial last event is discarded) and this stream ends too; then
/// [`parser`](Self::parser) tells a client the `Last-Event-ID` and `retry`
/// to reconnect with.
///
/// The underlying stream must be [`Unpin`]; pin it first if it is not
/// (`Box::pin(stream)` or `std::pin::pin!(stream)`).
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct EventStream<S> {
    inner: S,
    parser: Parser,
    ended: bool,
}

impl<S> EventStream<S> {
    /// Parses `inner` with a default [`Parser`].
    pub fn new(inner: S) -> Self {
        Self::with_parser(inner, Parser::new())
    }

    /// Parses `inner` with a parser you configured.
    pub fn with_parser(inner: S, parser: Parser) -> Self {
        Self { inner, parser, ended: false }
    }

    /// The parser, e.g. for [`Parser::last_event_id`] and [`Parser::retry`].
    pub fn parser(&self) -> &Parser {
        &self.parser
    }

    /// The underlying stream and the parser (to reuse the parser's last
    /// event ID and retry on a new connection).
    pub fn into_parts(self) -> (S, Parser) {
        (self.inner, self.parser)
    }
}

impl<S, B, E> Stream for EventStream<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: Buf,
{
    type Item = Result<Item, StreamError<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.parser.next_item() {
                return Poll::Ready(Some(item.map_err(StreamError::Parse)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(mut chunk))) => {
                    let len = chunk.remaining();
                    this.parser.feed_bytes(chunk.copy_to_bytes(len));
                }
                Poll::Ready(Some(Err(err))) => {
                    return Poll::Ready(Some(Err(StreamError::Transport(err))))
                }
                Poll::Ready(None) => {
                    this.parser.finish();
                    this.ended = true;
                }
            }
        }
    }
}
