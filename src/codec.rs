//! tokio: [`SseCodec`], a `tokio_util::codec` [`Decoder`] and [`Encoder`]
//! (feature `codec`).
//!
//! Decoding yields `Result<Item, ssekit::Error>` as the codec's *item*, so a
//! dropped event (a limit exceeded) does not end a `FramedRead` the way a
//! codec error would; IO errors are the codec's errors. Encoding takes
//! [`Item`]s (events, retries, comments), so a proxy can decode, filter and
//! re-encode. The codec adds no parsing or writing logic of its own.
//!
//! ```
//! use bytes::BytesMut;
//! use ssekit::{codec::SseCodec, Event, Item};
//! use tokio_util::codec::{Decoder, Encoder};
//!
//! let mut codec = SseCodec::new();
//! let mut wire = BytesMut::new();
//! codec.encode(Item::Event(Event::new("tick", "1", "")), &mut wire)?;
//! let decoded = codec.decode(&mut wire)?.expect("one item");
//! assert_eq!(decoded, Ok(Item::Event(Event::new("tick", "1", ""))));
//! # Ok::<(), std::io::Error>(())
//! ```

use crate::{Encoder as SseEncoder, Error, Event, Item, Parser};
use bytes::BytesMut;
use std::io;
use tokio_util::codec::{Decoder, Encoder};

/// Decodes event-stream bytes into items and encodes items into bytes.
#[derive(Debug, Default)]
pub struct SseCodec {
    parser: Parser,
    encoder: SseEncoder,
}

impl SseCodec {
    /// A codec with a default [`Parser`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A codec decoding with a parser you configured.
    pub fn with_parser(parser: Parser) -> Self {
        Self { parser, encoder: SseEncoder::new() }
    }

    /// The parser, e.g. for [`Parser::last_event_id`] and [`Parser::retry`].
    pub fn parser(&self) -> &Parser {
        &self.parser
    }
}

impl Decoder for SseCodec {
    type Item = Result<Item, Error>;
    type Error = io::Error;

    /// Takes all of `src` (without copying) and returns the next item.
    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Self::Item>> {
        if !src.is_empty() {
            self.parser.feed_bytes(src.split().freeze());
        }
        Ok(self.parser.next_item())
    }

    /// At end of input: the remaining items, then the end-of-stream rule.
    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Self::Item>> {
        if let Some(item) = self.decode(src)? {
            return Ok(Some(item));
        }
        self.parser.finish();
        let item = self.parser.next_item();
        if item.is_none() {
            // Ready for a new stream should the transport deliver one.
            self.parser.reset();
        }
        Ok(item)
    }
}

impl Encoder<Item> for SseCodec {
    type Error = io::Error;

    /// Writes an event, retry or comment.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] wrapping an
    /// [`EncodeError`](crate::EncodeError) for an event the encoder refuses.
    fn encode(&mut self, item: Item, dst: &mut BytesMut) -> io::Result<()> {
        match item {
            Item::Event(event) => self.encode(&event, dst),
            Item::Retry(ms) => {
                self.encoder.retry(dst, ms);
                Ok(())
            }
            Item::Comment(text) => {
                self.encoder.comment(dst, &text);
                Ok(())
            }
        }
    }
}

impl Encoder<&Event> for SseCodec {
    type Error = io::Error;

    /// Writes an event.
    ///
    /// # Errors
    ///
    /// As for [`Item`]s.
    fn encode(&mut self, event: &Event, dst: &mut BytesMut) -> io::Result<()> {
        self.encoder
            .event(dst, event)
            .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err))
    }
}
