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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

/// A borrowed [`Event`], valid until the next call on the parser.
///
/// [`Parser::next_event_ref`](crate::Parser::next_event_ref) hands these
/// out for a caller that inspects, filters or forwards each event and need
/// not keep it: an event read straight from a fed chunk touches no
/// reference count and allocates nothing. [`to_event`](Self::to_event)
/// makes an owned copy.
///
/// Like a [`Str`], the fields were checked to be UTF-8 (or decoded with
/// replacement) once, when the event was parsed: the `&str` accessors are
/// free, and the `_bytes` ones are there for what wants bytes
/// (`serde_json::from_slice`, a proxy's write).
///
/// ```
/// let mut parser = ssekit::Parser::new();
/// parser.feed(b"event: delta\ndata: {\"text\":\"Hi\"}\n\n");
/// let event = parser.next_event_ref().unwrap().unwrap();
/// assert_eq!(event.event_type(), "delta");
/// assert_eq!(event.data(), "{\"text\":\"Hi\"}");
/// assert_eq!(event.data_bytes(), b"{\"text\":\"Hi\"}");
/// assert_eq!(event.id(), "");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventRef<'a> {
    event_type: &'a str,
    data: &'a str,
    id: &'a str,
}

impl<'a> EventRef<'a> {
    pub(crate) fn new(event_type: &'a str, data: &'a str, id: &'a str) -> Self {
        Self { event_type, data, id }
    }

    /// The event type, as [`Event::event_type`]: never empty.
    pub fn event_type(&self) -> &'a str {
        self.event_type
    }

    /// The data, as [`Event::data`].
    pub fn data(&self) -> &'a str {
        self.data
    }

    /// The last event ID string at the time of dispatch, as [`Event::id`].
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// The bytes of [`event_type`](Self::event_type).
    pub fn event_type_bytes(&self) -> &'a [u8] {
        self.event_type.as_bytes()
    }

    /// The bytes of [`data`](Self::data).
    pub fn data_bytes(&self) -> &'a [u8] {
        self.data.as_bytes()
    }

    /// The bytes of [`id`](Self::id).
    pub fn id_bytes(&self) -> &'a [u8] {
        self.id.as_bytes()
    }

    /// An owned copy (short fields inline, long ones in a new allocation).
    pub fn to_event(&self) -> Event {
        Event::new(self.event_type, self.data, self.id)
    }
}

impl<'a> From<&'a Event> for EventRef<'a> {
    fn from(event: &'a Event) -> Self {
        Self::new(event.event_type(), event.data(), event.id())
    }
}

impl PartialEq<Event> for EventRef<'_> {
    fn eq(&self, other: &Event) -> bool {
        *self == EventRef::from(other)
    }
}

/// A borrowed [`Item`], valid until the next call on the parser: what
/// [`Parser::next_item_ref`](crate::Parser::next_item_ref) returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ItemRef<'a> {
    /// An event was dispatched, as [`Item::Event`].
    Event(EventRef<'a>),
    /// A valid `retry` field, as [`Item::Retry`].
    Retry(u64),
    /// A comment line, as [`Item::Comment`].
    Comment(&'a str),
}

impl<'a> From<&'a Item> for ItemRef<'a> {
    fn from(item: &'a Item) -> Self {
        match item {
            Item::Event(event) => Self::Event(event.into()),
            Item::Retry(ms) => Self::Retry(*ms),
            Item::Comment(text) => Self::Comment(text.as_str()),
        }
    }
}

impl ItemRef<'_> {
    /// An owned copy.
    pub fn to_item(&self) -> Item {
        match *self {
            Self::Event(event) => Item::Event(event.to_event()),
            Self::Retry(ms) => Item::Retry(ms),
            Self::Comment(text) => Item::Comment(Str::new(text)),
        }
    }
}
