//! Layer 3: fields → events. The [`Parser`], its [`ParserBuilder`], and
//! the one rules engine they share.
//!
//! # The state machine
//!
//! [`Block`] holds what the WHATWG model calls the *data buffer*, the
//! *event type buffer* and the *last event ID buffer* of the block being
//! read, plus the *last event ID string* and the *reconnection time*.
//! [`Block::line`] applies one complete line to them, by the standard's
//! steps, quoted where they are applied; [`Block::dispatch`] is the blank
//! line. Both say what is ready as a [`Ready`], which holds no borrow: the
//! event's data is named by where it lies (in the line just read, or in
//! the data buffer), and the pulls turn that into an owned [`Event`]
//! ([`Parser::owned_event`]) or a borrowed [`EventRef`]
//! ([`Parser::lent_event`]), the one place each.
//!
//! Input waits in the [`LineScanner`] until you pull: each pull parses
//! exactly as far as the next item, so finished items are never queued.
//!
//! # Invariants
//!
//! * Memory: the scanner's carry holds at most `max_line_len` bytes and the
//!   data buffer at most `max_event_size` bytes, both checked *before*
//!   growing. Everything else is one value per buffer (type, id).
//! * Zero-copy: a one-line event lying in one chunk is handed out from it
//!   (a view, or inline when short); only data of several lines, or cut by
//!   a chunk boundary, is copied, once, into the reused data buffer.
//! * Errors are per block: after one, `discarding` ignores the rest of the
//!   block and its blank line dispatches nothing.
//! * What a borrowed item lends (the line, the data buffer, the dispatched
//!   type, the last event ID) stays untouched until the next call on the
//!   parser, which is the borrow's end.
//!
//! # Advice for hackers
//!
//! The conformance vectors, the chunking properties and the reference model
//! in `tests/` pin all of this down, with the scanner's fast paths on and
//! off ([`ParserBuilder::fast_paths`]): change freely, then run
//! `cargo test`. A new rule goes into [`Block`], nowhere else.

use crate::field::{self, Kind, Name};
use crate::line::{Line, LineScanner};
use crate::text::utf8;
use crate::{Error, Event, EventRef, Item, ItemRef, Str};
use bytes::{BufMut, BytesMut};
use core::mem;

/// The type of an event without an `event` field, lent from here.
static MESSAGE: Str = Str::MESSAGE;

/// Default for [`ParserBuilder::max_line_len`]: 16 MiB (a single-line event
/// may be as large as [`DEFAULT_MAX_EVENT_SIZE`] allows).
pub const DEFAULT_MAX_LINE_LEN: usize = 16 << 20;
/// Default for [`ParserBuilder::max_event_size`]: 16 MiB.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 << 20;

/// Configures and builds a [`Parser`].
///
/// ```
/// let parser = ssekit::Parser::builder()
///     .max_line_len(64 * 1024)
///     .max_event_size(1024 * 1024)
///     .emit_comments(true)
///     .build();
/// # drop(parser);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParserBuilder {
    max_line_len: usize,
    max_event_size: usize,
    emit_comments: bool,
    strict_utf8: bool,
    fast_paths: bool,
}

impl Default for ParserBuilder {
    fn default() -> Self {
        Self {
            max_line_len: DEFAULT_MAX_LINE_LEN,
            max_event_size: DEFAULT_MAX_EVENT_SIZE,
            emit_comments: false,
            strict_utf8: false,
            fast_paths: true,
        }
    }
}

impl ParserBuilder {
    /// A builder with the default settings.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The longest line accepted, in bytes, not counting its terminator.
    ///
    /// A longer line is skipped as it streams in (never buffered), reported
    /// as [`Error::LineTooLong`] when it ends, and drops the event it is part
    /// of. Use `usize::MAX` for no limit. The default is 16 MiB
    /// ([`DEFAULT_MAX_LINE_LEN`]).
    pub fn max_line_len(&mut self, bytes: usize) -> &mut Self {
        self.max_line_len = bytes;
        self
    }

    /// The largest event data accepted, in bytes: the values of the event's
    /// `data` lines plus the `\n` between them, measured on the raw bytes.
    ///
    /// The `data` line that would cross it is reported as
    /// [`Error::EventTooLarge`] and drops the event. A flood of empty `data:`
    /// lines hits it too, since each adds a `\n`. Use `usize::MAX` for no
    /// limit. The default is 16 MiB ([`DEFAULT_MAX_EVENT_SIZE`]).
    pub fn max_event_size(&mut self, bytes: usize) -> &mut Self {
        self.max_event_size = bytes;
        self
    }

    /// Whether comment lines are reported as [`Item::Comment`] (useful to
    /// proxies that forward keep-alives). The default is `false`.
    pub fn emit_comments(&mut self, yes: bool) -> &mut Self {
        self.emit_comments = yes;
        self
    }

    /// Whether a line that is not valid UTF-8 is an error
    /// ([`Error::InvalidUtf8`], which drops its event) instead of being
    /// decoded with U+FFFD replacement as the specification says. The default
    /// is `false`.
    pub fn strict_utf8(&mut self, yes: bool) -> &mut Self {
        self.strict_utf8 = yes;
        self
    }

    /// Whether the line scanner's fast paths are used. They change no
    /// result, only speed; turning them off is for tests and fuzzing, which
    /// run both ways. The default is `true`.
    #[doc(hidden)]
    pub fn fast_paths(&mut self, yes: bool) -> &mut Self {
        self.fast_paths = yes;
        self
    }

    /// Whether [`fast_paths`](Self::fast_paths) is on.
    #[doc(hidden)]
    pub fn fast_paths_enabled(&self) -> bool {
        self.fast_paths
    }

    /// Builds a parser with these settings.
    #[must_use]
    pub fn build(&self) -> Parser {
        Parser {
            lines: LineScanner::new(self.max_line_len, self.fast_paths),
            block: Block {
                config: self.clone(),
                data_len: None,
                data_buf: BytesMut::new(),
                event_type: Str::EMPTY,
                typed: false,
                id: Str::EMPTY,
                id_changed: false,
                discarding: false,
                blank_pending: false,
                dispatched_typed: false,
                last_event_id: Str::EMPTY,
                retry: None,
            },
            decoded: Str::EMPTY,
        }
    }
}

/// What the rules engine has ready. It borrows nothing: an event's type is
/// read with [`Block::take_type`] or [`Block::type_str`], its id is the last
/// event ID string, and its data lies where this says.
#[derive(Debug)]
enum Ready {
    /// An event. Its data is the line just read from this byte on (a
    /// one-line event whose blank line came with it), or else
    /// [`Block::data_buf`].
    Event { in_line: Option<usize> },
    /// A valid `retry` field.
    Retry(u64),
    /// A comment: the line just read, from its second byte on.
    Comment,
    /// A limit was exceeded (or strict UTF-8 failed); the block is dropped.
    Error(Error),
}

/// The buffers of the WHATWG model, and the rules that change them.
#[derive(Debug, Clone)]
struct Block {
    config: ParserBuilder,
    /// Length of the data buffer without its final `\n`, or `None` while it
    /// is empty (no `data` field yet).
    data_len: Option<u64>,
    /// The data buffer's bytes (raw: invalid UTF-8 is decoded at dispatch,
    /// so the limit bounds what is held), when not read from the line.
    /// Stale while `data_len` is `None`: cleared by the next `data` field,
    /// so that a lent event can borrow it until then.
    data_buf: BytesMut,
    /// The event type buffer: `event_type` if `typed`, else empty (and
    /// `event_type` stale, like `data_buf`, for a lent event to borrow).
    typed: bool,
    event_type: Str,
    /// The last event ID buffer, and whether a field set it in this block.
    id: Str,
    id_changed: bool,
    /// An error dropped this block: ignore lines until a blank one.
    discarding: bool,
    /// A blank line came with the line that made the last [`Ready`] item,
    /// and is still to be applied.
    blank_pending: bool,
    /// The event dispatched last has the type `event_type`, not "message".
    dispatched_typed: bool,
    last_event_id: Str,
    retry: Option<u64>,
}

impl Block {
    /// Applies one complete line (WHATWG "Interpreting an event stream"),
    /// and the blank line after it when `blank_follows`.
    #[inline]
    fn line(
        &mut self,
        text: &[u8],
        owner: Option<&bytes::Bytes>,
        offset: u64,
        blank_follows: bool,
    ) -> Option<Ready> {
        if self.discarding {
            if !text.is_empty() && !blank_follows {
                return None;
            }
            self.discarding = false;
            return self.dispatch(None);
        }
        let ready = if self.config.strict_utf8 && utf8(text).is_none() {
            self.discard();
            Some(Ready::Error(Error::InvalidUtf8 { offset }))
        } else {
            self.field(text, owner, offset, blank_follows)
        };
        match ready {
            Some(Ready::Event { .. }) => ready,
            Some(_) => {
                self.blank_pending = blank_follows;
                ready
            }
            None if blank_follows => self.dispatch(None),
            None => None,
        }
    }

    /// "Collect the characters on the line before the first U+003A COLON
    /// character (:), and let field be that string. [...] Otherwise, the
    /// string is not empty but does not contain a U+003A COLON character
    /// (:): use the whole line as the field name, and the empty string as
    /// the field value." ([`field::split`]), then "process the field".
    fn field(
        &mut self,
        text: &[u8],
        owner: Option<&bytes::Bytes>,
        offset: u64,
        blank_follows: bool,
    ) -> Option<Ready> {
        let (name, value) = match field::split(text) {
            // "If the line is empty (a blank line): Dispatch the event."
            Kind::Blank => return self.dispatch(None),
            // "If the line starts with a U+003A COLON character (:): Ignore
            // the line." (Reported when asked to.)
            Kind::Comment(_) => return self.config.emit_comments.then_some(Ready::Comment),
            Kind::Field { name, value } => (name, value),
        };
        match name {
            // "Append the field value to the data buffer, then append a
            // single U+000A LINE FEED (LF) character to the data buffer."
            Name::Data => {
                let limit = self.config.max_event_size;
                let size = self.data_len.map_or(0, |len| len + 1) + value.len() as u64;
                if size > limit as u64 {
                    self.discard();
                    return Some(Ready::Error(Error::EventTooLarge { limit, size, offset }));
                }
                if self.data_len.is_none() {
                    self.data_buf.clear();
                    if blank_follows {
                        // A one-line event: its data is read from the line.
                        self.data_len = Some(size);
                        return self.dispatch(Some(text.len() - value.len()));
                    }
                } else {
                    self.data_buf.put_u8(b'\n');
                }
                self.data_buf.extend_from_slice(value);
                self.data_len = Some(size);
            }
            // "Set the event type buffer to field value."
            Name::Event if value.is_empty() => self.typed = false,
            Name::Event => (self.event_type, self.typed) = (Str::decode(value, owner), true),
            // "If the field value does not contain U+0000 NULL, then set the
            // last event ID buffer to the field value. Otherwise, ignore the
            // field."
            Name::Id if field::id_is_valid(value) => {
                self.id = Str::decode(value, owner);
                self.id_changed = true;
            }
            // "If the field value consists of only ASCII digits, then
            // interpret the field value as an integer in base ten, and set
            // the event stream's reconnection time to that integer.
            // Otherwise, ignore the field."
            Name::Retry => {
                let ms = field::parse_retry(value)?;
                self.retry = Some(ms);
                return Some(Ready::Retry(ms));
            }
            // "Otherwise: The field is ignored."
            Name::Id | Name::Other => {}
        }
        None
    }

    /// "Dispatch the event", the steps that concern the parser; `in_line`
    /// as in [`Ready::Event`].
    fn dispatch(&mut self, in_line: Option<usize>) -> Option<Ready> {
        // "1. Set the last event ID string of the event source to the value
        // of the last event ID buffer. The buffer does not get reset [...]"
        if mem::take(&mut self.id_changed) {
            self.last_event_id.clone_from(&self.id);
        }
        // "7. Set the data buffer and the event type buffer to the empty
        // string" (done first, as step 2 does it too; the type's bytes stay
        // for the event to read).
        let typed = mem::take(&mut self.typed);
        // "2. If the data buffer is an empty string, set the data buffer and
        // the event type buffer to the empty string and return."
        // "3. If the data buffer's last character is a U+000A LINE FEED (LF)
        // character, then remove the last character from the data buffer":
        // `data_buf` never holds that last `\n`.
        self.data_len.take()?;
        // "5. Initialize event's type attribute to "message" [...] 6. If the
        // event type buffer has a value other than the empty string, change
        // the type of the newly created event to equal the value of the
        // event type buffer."
        self.dispatched_typed = typed;
        Some(Ready::Event { in_line })
    }

    /// The type of the event dispatched last (steps 5 and 6 above), owned.
    #[inline(always)]
    fn take_type(&mut self) -> Str {
        let typed = mem::take(&mut self.dispatched_typed);
        if typed {
            mem::take(&mut self.event_type)
        } else {
            Str::MESSAGE
        }
    }

    /// The type of the event dispatched last, lent.
    #[inline(always)]
    fn type_str(&self) -> &str {
        if self.dispatched_typed {
            &self.event_type
        } else {
            &MESSAGE
        }
    }

    /// Drops the block after an error: nothing of it is dispatched, and its
    /// remaining lines are ignored.
    fn discard(&mut self) {
        self.data_len = None;
        self.typed = false;
        self.discarding = true;
    }

    /// "Once the end of the file is reached, any pending data must be
    /// discarded. (If the file ends in the middle of an event, before the
    /// final empty line, the incomplete event is not dispatched.)" An `id`
    /// field after the last blank line does not count either.
    fn end_of_stream(&mut self) {
        self.discard();
        self.discarding = false;
        self.blank_pending = false;
        self.id.clone_from(&self.last_event_id);
        self.id_changed = false;
    }
}

/// The incremental, sans-IO event-stream parser.
///
/// Feed it bytes as they arrive, in any chunking, with [`feed`](Self::feed)
/// or [`feed_bytes`](Self::feed_bytes); pull what they complete with
/// [`next_item`](Self::next_item) (or [`next_event`](Self::next_event), or
/// their borrowing forms) until it returns `None`; call
/// [`finish`](Self::finish) when the stream ends. See the
/// [crate documentation](crate) for a tour.
///
/// # Memory
///
/// Besides the input you have fed and not yet pulled through, a parser holds
/// at most about `max_line_len + max_event_size` bytes (see
/// [`buffered_len`](Self::buffered_len)). It never parses ahead of your
/// pulls, so finished items never pile up inside it.
///
/// # Panics
///
/// Never, whatever the input.
#[derive(Debug, Clone)]
pub struct Parser {
    lines: LineScanner,
    block: Block,
    /// A value that was not valid UTF-8, decoded with replacement for a
    /// borrowed item to lend.
    decoded: Str,
}

impl Default for Parser {
    fn default() -> Self {
        Self::new()
    }
}

impl Parser {
    /// A parser with the default settings (see [`ParserBuilder`]).
    #[must_use]
    pub fn new() -> Self {
        ParserBuilder::new().build()
    }

    /// A builder to set limits and options.
    #[must_use]
    pub fn builder() -> ParserBuilder {
        ParserBuilder::new()
    }

    /// Feeds the next chunk of the stream.
    ///
    /// The bytes are copied into a buffer that is reused once the items made
    /// from it are dropped. Use [`feed_bytes`](Self::feed_bytes) to avoid the
    /// copy when you already hold [`Bytes`](bytes::Bytes).
    ///
    /// Then call [`next_item`](Self::next_item) until it returns `None`.
    #[inline(always)]
    pub fn feed(&mut self, chunk: &[u8]) {
        self.lines.push_slice(chunk);
    }

    /// Feeds the next chunk of the stream without copying it.
    ///
    /// A value that lies wholly inside this chunk is handed out as a view
    /// into it: an event whose data is one long line costs no copy and no
    /// allocation. (Such views keep the chunk's storage alive while you hold
    /// them.)
    ///
    /// Then call [`next_item`](Self::next_item) until it returns `None`.
    #[inline(always)]
    pub fn feed_bytes(&mut self, chunk: bytes::Bytes) {
        self.lines.push_bytes(chunk);
    }

    /// Marks the end of the stream.
    ///
    /// Items that the input fed so far completes are still returned by
    /// [`next_item`](Self::next_item); after them, as the standard's
    /// end-of-file rule says, a partial last line and an event not yet ended
    /// by a blank line are discarded, and an `id` field after the last blank
    /// line does not count. [`last_event_id`](Self::last_event_id) then holds
    /// what a client sends as `Last-Event-ID` when it reconnects.
    ///
    /// Input fed after `finish` is a new stream (a byte-order mark is
    /// stripped again; offsets restart at 0); the last event ID and the
    /// reconnection time carry over, as they do for a reconnecting client.
    pub fn finish(&mut self) {
        self.lines.push_end();
    }

    /// Forgets all pending input and any partial event, for a new
    /// connection. Keeps the last event ID and the reconnection time.
    pub fn reset(&mut self) {
        self.lines.reset();
        self.block.end_of_stream();
    }

    /// Runs the rules up to the next item, if the input holds one.
    #[inline]
    fn step(&mut self) -> Option<Ready> {
        if self.lines.is_idle() && !self.block.blank_pending {
            return None;
        }
        self.step_lines()
    }

    #[inline(never)]
    fn step_lines(&mut self) -> Option<Ready> {
        if mem::take(&mut self.block.blank_pending) {
            if let Some(ready) = self.block.line(b"", None, 0, false) {
                return Some(ready);
            }
        }
        loop {
            let ready = match self.lines.next_line()? {
                Line::Text { text, owner, offset, blank_follows } => {
                    self.block.line(text, owner, offset, blank_follows)
                }
                Line::TooLong { size, offset } if !self.block.discarding => {
                    self.block.discard();
                    let limit = self.block.config.max_line_len;
                    Some(Ready::Error(Error::LineTooLong { limit, size, offset }))
                }
                Line::TooLong { .. } => None,
                Line::End => {
                    self.block.end_of_stream();
                    None
                }
            };
            if ready.is_some() {
                return ready;
            }
        }
    }

    /// The event [`Ready::Event`] names, owned.
    #[inline(always)]
    fn owned_event(&mut self, in_line: Option<usize>) -> Event {
        let block = &mut self.block;
        let data = match in_line {
            Some(start) => {
                let (line, owner) = self.lines.last_line();
                Str::decode(&line[start..], owner)
            }
            None if block.data_buf.len() <= Str::INLINE_CAPACITY => {
                Str::decode(&block.data_buf, None)
            }
            None => Str::from_utf8_lossy(block.data_buf.split().freeze()),
        };
        Event::new(block.take_type(), data, block.last_event_id.clone())
    }

    /// The event [`Ready::Event`] names, lent.
    #[inline(always)]
    fn lent_event(&mut self, in_line: Option<usize>) -> EventRef<'_> {
        let Self { lines, block, decoded } = self;
        let data = match in_line {
            Some(start) => &lines.last_line().0[start..],
            None => &block.data_buf[..],
        };
        EventRef::new(block.type_str(), lend(data, decoded), block.last_event_id.as_str())
    }

    /// The comment [`Ready::Comment`] names, lent.
    fn lent_comment(&mut self) -> &str {
        lend(&self.lines.last_line().0[1..], &mut self.decoded)
    }

    /// Parses up to the next item and returns it, or `None` when the input
    /// fed so far holds no further complete item.
    ///
    /// `None` is not the end: feed more input, then call again. Each call
    /// parses only as far as the next item.
    ///
    /// # Errors
    ///
    /// An [`Error`] when a limit was exceeded (or, in strict mode, a line was
    /// not valid UTF-8). The offending event is dropped; keep calling, the
    /// stream goes on.
    // The pulls (and `Items::next`) are always inlined: out of line, an
    // owned event went back through memory (RESULTS.md).
    #[must_use = "items are only produced when pulled; call until it returns None"]
    #[inline(always)]
    pub fn next_item(&mut self) -> Option<Result<Item, Error>> {
        Some(Ok(match self.step()? {
            Ready::Event { in_line } => Item::Event(self.owned_event(in_line)),
            Ready::Retry(ms) => Item::Retry(ms),
            Ready::Comment => {
                let (line, owner) = self.lines.last_line();
                Item::Comment(Str::decode(&line[1..], owner))
            }
            Ready::Error(err) => return Some(Err(err)),
        }))
    }

    /// Like [`next_item`](Self::next_item), but skips retry and comment
    /// items (the reconnection time is still kept, see
    /// [`retry`](Self::retry)).
    ///
    /// # Errors
    ///
    /// As for [`next_item`](Self::next_item).
    #[must_use = "events are only produced when pulled; call until it returns None"]
    #[inline(always)]
    pub fn next_event(&mut self) -> Option<Result<Event, Error>> {
        loop {
            match self.step()? {
                Ready::Event { in_line } => return Some(Ok(self.owned_event(in_line))),
                Ready::Error(err) => return Some(Err(err)),
                Ready::Retry(_) | Ready::Comment => {}
            }
        }
    }

    /// Like [`next_item`](Self::next_item), but lends the item instead of
    /// handing it over: valid until the next call on the parser.
    ///
    /// For a caller that looks at each event and lets it go (a proxy that
    /// filters or forwards, a client that parses the JSON in place), this is
    /// the fastest way through a stream: an event read straight from the
    /// chunk touches no reference count and allocates nothing. Use
    /// [`next_item`](Self::next_item) to keep items, or [`ItemRef::to_item`]
    /// to keep one.
    ///
    /// ```
    /// use ssekit::{ItemRef, Parser};
    ///
    /// let mut parser = Parser::new();
    /// parser.feed(b"data: 1\n\n: keep-alive\nretry: 500\ndata: 2\n\n");
    /// let mut sum = 0;
    /// while let Some(item) = parser.next_item_ref() {
    ///     if let Ok(ItemRef::Event(event)) = item {
    ///         sum += event.data().parse::<u32>().unwrap();
    ///     }
    /// }
    /// assert_eq!(sum, 3);
    /// assert_eq!(parser.retry(), Some(500));
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`next_item`](Self::next_item).
    #[must_use = "items are only produced when pulled; call until it returns None"]
    #[inline(always)]
    pub fn next_item_ref(&mut self) -> Option<Result<ItemRef<'_>, Error>> {
        Some(Ok(match self.step()? {
            Ready::Event { in_line } => ItemRef::Event(self.lent_event(in_line)),
            Ready::Retry(ms) => ItemRef::Retry(ms),
            Ready::Comment => ItemRef::Comment(self.lent_comment()),
            Ready::Error(err) => return Some(Err(err)),
        }))
    }

    /// Like [`next_event`](Self::next_event), but lends the event: see
    /// [`next_item_ref`](Self::next_item_ref).
    ///
    /// # Errors
    ///
    /// As for [`next_item`](Self::next_item).
    #[must_use = "events are only produced when pulled; call until it returns None"]
    #[inline(always)]
    pub fn next_event_ref(&mut self) -> Option<Result<EventRef<'_>, Error>> {
        loop {
            match self.step()? {
                Ready::Event { in_line } => return Some(Ok(self.lent_event(in_line))),
                Ready::Error(err) => return Some(Err(err)),
                Ready::Retry(_) | Ready::Comment => {}
            }
        }
    }

    /// An iterator over [`next_item`](Self::next_item): it ends when the
    /// input fed so far is used up, so you can feed more and iterate again.
    ///
    /// ```
    /// let mut parser = ssekit::Parser::new();
    /// parser.feed(b"retry: 10\ndata: a\n\n");
    /// assert_eq!(parser.items().count(), 2);
    /// ```
    pub fn items(&mut self) -> Items<'_> {
        Items { parser: self }
    }

    /// The last event ID string: what a reconnecting client sends as the
    /// `Last-Event-ID` header. It is set at each blank line from the most
    /// recent valid `id` field (`""` if there was none, or it was empty).
    pub fn last_event_id(&self) -> &Str {
        &self.block.last_event_id
    }

    /// Restores the last event ID, e.g. one a client persisted before a
    /// restart, so events without an `id` field carry it again.
    pub fn set_last_event_id(&mut self, id: impl Into<Str>) {
        self.block.last_event_id = id.into();
        self.block.id.clone_from(&self.block.last_event_id);
        self.block.id_changed = false;
    }

    /// The reconnection time in milliseconds set by the latest valid `retry`
    /// field, or `None` if the stream has set none (use your default then).
    pub fn retry(&self) -> Option<u64> {
        self.block.retry
    }

    /// [`retry`](Self::retry) as a [`Duration`](core::time::Duration).
    pub fn retry_duration(&self) -> Option<core::time::Duration> {
        self.block.retry.map(core::time::Duration::from_millis)
    }

    /// Stream offset of the next byte to be parsed: how many bytes of the
    /// current stream have been consumed (a byte-order mark included).
    pub fn offset(&self) -> u64 {
        self.lines.offset()
    }

    /// Bytes fed but not yet parsed (parsing happens as you pull).
    pub fn pending_len(&self) -> usize {
        self.lines.pending()
    }

    /// Bytes the parser holds for the line and event in progress: the
    /// partial line that straddles chunks plus the event's data. Bounded by
    /// the configured limits.
    pub fn buffered_len(&self) -> usize {
        let data = if self.block.data_len.is_some() { self.block.data_buf.len() } else { 0 };
        self.lines.carried() + data
    }
}

/// `bytes` as text to lend: themselves when valid UTF-8, else decoded with
/// replacement into `decoded`.
#[inline(always)]
fn lend<'a>(bytes: &'a [u8], decoded: &'a mut Str) -> &'a str {
    match utf8(bytes) {
        Some(text) => text,
        None => {
            *decoded = Str::decode(bytes, None);
            decoded
        }
    }
}

/// Iterator returned by [`Parser::items`].
#[derive(Debug)]
pub struct Items<'a> {
    parser: &'a mut Parser,
}

impl Iterator for Items<'_> {
    type Item = Result<Item, Error>;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        self.parser.next_item()
    }
}
