//! What the parser hands out: [`Item`]s, most of them [`Event`]s.

use crate::Str;

/// One dispatched event: what a browser's `EventSource` turns into a
/// `MessageEvent`.
///
/// All three fields are [`Str`]s: cloning an event never copies its data.
///
/// ```
/// let event = ssekit::Event::new("update", "{\"n\":1}", "7");
/// assert_eq!(event.event_type(), "update");
/// assert_eq!(event.data(), "{\"n\":1}");
/// assert_eq!(event.id(), "7");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Event {
    event_type: Str,
    data: Str,
    id: Str,
}

impl Event {
    /// Builds an event (for tests, and for writing streams).
    pub fn new(event_type: impl Into<Str>, data: impl Into<Str>, id: impl Into<Str>) -> Self {
        Self { event_type: event_type.into(), data: data.into(), id: id.into() }
    }

    /// The event type: the last `event` field of the block, or `"message"`
    /// when there was none or it was empty. Never empty.
    pub fn event_type(&self) -> &Str {
        &self.event_type
    }

    /// The data: the values of the block's `data` fields joined with `\n`.
    pub fn data(&self) -> &Str {
        &self.data
    }

    /// The last event ID string at the time of dispatch: the value of the
    /// most recent `id` field in the stream so far (not necessarily in this
    /// block), or `""` if none was seen or an empty `id` reset it.
    pub fn id(&self) -> &Str {
        &self.id
    }

    /// The three fields, `(event_type, data, id)`, without cloning.
    pub fn into_parts(self) -> (Str, Str, Str) {
        (self.event_type, self.data, self.id)
    }
}

/// Something the parser found in the stream, in stream order.
///
/// [`Parser::next_item`](crate::Parser::next_item) returns these;
/// [`Parser::next_event`](crate::Parser::next_event) skips everything but
/// events.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Item {
    /// An event was dispatched (a blank line ended a block with data).
    Event(Event),
    /// A valid `retry` field set the reconnection time to this many
    /// milliseconds. Reported even when the block dispatches no event; the
    /// latest value is also kept in [`Parser::retry`](crate::Parser::retry).
    Retry(u64),
    /// A comment line (one starting with `:`): everything after the colon,
    /// exactly as sent, leading space included (so a proxy can forward
    /// keep-alives byte for byte). Only reported when the parser was built
    /// with [`emit_comments(true)`](crate::ParserBuilder::emit_comments).
    Comment(Str),
}
