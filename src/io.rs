//! Blocking reads: [`EventReader`] turns any [`std::io::Read`] into an
//! iterator of items (feature `std`).
//!
//! It adds no parsing of its own: it reads chunks, feeds the [`Parser`],
//! and pulls.
//!
//! ```
//! use ssekit::{io::EventReader, Item};
//!
//! let body: &[u8] = b"id: 1\ndata: hello\n\ndata: partial";
//! let mut data = Vec::new();
//! for item in EventReader::new(body) {
//!     if let Item::Event(event) = item? {
//!         data.push(event.data().to_string());
//!     }
//! }
//! assert_eq!(data, ["hello"]);
//! # Ok::<(), std::io::Error>(())
//! ```

use crate::{Item, Parser};
use std::io::{self, Read};
use std::vec::Vec;

/// Size of each read from the underlying reader.
const READ_SIZE: usize = 16 * 1024;

/// An iterator of [`Item`]s read from a [`Read`]er.
///
/// Yields `io::Result<Item>`:
///
/// * a read error ends the iteration after it is yielded
///   ([`io::ErrorKind::Interrupted`] is retried);
/// * a parse error (a limit exceeded, see [`crate::Error`]) is yielded as an
///   [`io::ErrorKind::InvalidData`] error wrapping the [`crate::Error`]
///   (get it back with `err.get_ref()` and `downcast_ref`); iteration goes
///   on after it, as the parser does;
/// * at end of input, the parser's end-of-stream rule applies (a partial
///   last event is discarded), then the iterator ends.
///
/// Each read returns as soon as the reader has some bytes, so items come
/// out as soon as they are complete.
#[derive(Debug)]
#[must_use = "an EventReader reads nothing until it is iterated"]
pub struct EventReader<R> {
    reader: R,
    parser: Parser,
    buf: Vec<u8>,
    state: State,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    Reading,
    Finished,
    Done,
}

impl<R: Read> EventReader<R> {
    /// Reads `reader` with a default [`Parser`].
    pub fn new(reader: R) -> Self {
        Self::with_parser(reader, Parser::new())
    }

    /// Reads `reader` with a parser you configured (limits, comments, …).
    pub fn with_parser(reader: R, parser: Parser) -> Self {
        Self { reader, parser, buf: std::vec![0; READ_SIZE], state: State::Reading }
    }

    /// The parser, e.g. for [`Parser::last_event_id`] and
    /// [`Parser::retry`] when reconnecting.
    pub fn parser(&self) -> &Parser {
        &self.parser
    }

    /// The underlying reader and the parser.
    pub fn into_parts(self) -> (R, Parser) {
        (self.reader, self.parser)
    }
}

impl<R: Read> Iterator for EventReader<R> {
    type Item = io::Result<Item>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.parser.next_item() {
                return Some(item.map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err)));
            }
            match self.state {
                State::Done => return None,
                State::Finished => {
                    self.state = State::Done;
                    return None;
                }
                State::Reading => {}
            }
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.parser.finish();
                    self.state = State::Finished;
                }
                Ok(n) => self.parser.feed(self.buf.get(..n).unwrap_or_default()),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => {
                    self.state = State::Done;
                    return Some(Err(err));
                }
            }
        }
    }
}
