//! Formatting what the parser reports: human-readable blocks, or the JSON
//! lines of `SPEC.md` contract 2.

use std::io::{self, Write};

use ssekit::Event;

/// ANSI SGR sequences used by the human-readable format.
mod style {
    /// The event type.
    pub(super) const TYPE: &str = "\x1b[1;36m";
    /// Secondary text: the id, comments, the end-of-input summary.
    pub(super) const DIM: &str = "\x1b[2m";
    /// Retry changes.
    pub(super) const RETRY: &str = "\x1b[33m";
    /// Back to normal.
    pub(super) const RESET: &str = "\x1b[0m";
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// One block per event for people, optionally coloured.
    Human {
        /// Use ANSI colours.
        color: bool,
    },
    /// One contract-2 JSON object per line.
    Json,
}

/// What the parser ended with, for the end-of-input line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Summary<'a> {
    /// The last event ID string.
    pub(crate) last_event_id: &'a str,
    /// The reconnection time, if the stream set one.
    pub(crate) retry: Option<u64>,
    /// How many events were printed.
    pub(crate) events: u64,
    /// How many events were dropped by errors.
    pub(crate) dropped: u64,
}

/// Writes items in one [`Format`].
#[derive(Debug)]
pub(crate) struct Printer<W> {
    out: W,
    format: Format,
}

impl<W: Write> Printer<W> {
    /// A printer writing to `out`.
    pub(crate) fn new(out: W, format: Format) -> Self {
        Self { out, format }
    }

    /// Writes a dispatched event.
    pub(crate) fn event(&mut self, event: &Event) -> io::Result<()> {
        let (event_type, data, id) =
            (event.event_type().as_str(), event.data().as_str(), event.id().as_str());
        match self.format {
            Format::Json => {
                let (event_type, data, id) = (json(event_type)?, json(data)?, json(id)?);
                writeln!(self.out, r#"{{"type":{event_type},"data":{data},"id":{id}}}"#)
            }
            Format::Human { color } => human_event(&mut self.out, color, event_type, data, id),
        }
    }

    /// Writes a valid `retry` field.
    pub(crate) fn retry(&mut self, ms: u64) -> io::Result<()> {
        match self.format {
            Format::Json => writeln!(self.out, r#"{{"retry":{ms}}}"#),
            Format::Human { color } => {
                let (on, off) = paint(color, style::RETRY);
                writeln!(self.out, "{on}retry: {ms} ms{off}")
            }
        }
    }

    /// Writes a comment line, given as the parser reports it: the text
    /// after the `:`, where one leading space is not part of the comment.
    pub(crate) fn comment(&mut self, raw: &str) -> io::Result<()> {
        let text = raw.strip_prefix(' ').unwrap_or(raw);
        match self.format {
            Format::Json => writeln!(self.out, r#"{{"comment":{}}}"#, json(text)?),
            Format::Human { color } => {
                let (on, off) = paint(color, style::DIM);
                writeln!(self.out, "{on}: {}{off}", escape_controls(text))
            }
        }
    }

    /// Writes the end-of-input line.
    pub(crate) fn end(&mut self, summary: &Summary<'_>) -> io::Result<()> {
        match self.format {
            Format::Json => {
                let retry = summary.retry.map_or_else(|| "null".to_owned(), |ms| ms.to_string());
                writeln!(
                    self.out,
                    r#"{{"last_event_id":{},"retry":{retry}}}"#,
                    json(summary.last_event_id)?
                )
            }
            Format::Human { color } => human_end(&mut self.out, color, summary),
        }
    }

    /// Pushes everything written so far to the output.
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// `text` as a JSON string literal.
fn json(text: &str) -> io::Result<String> {
    serde_json::to_string(text).map_err(io::Error::other)
}

/// The escape sequences that turn `style` on and off, or nothing.
fn paint(color: bool, style: &'static str) -> (&'static str, &'static str) {
    if color {
        (style, style::RESET)
    } else {
        ("", "")
    }
}

/// Writes an event as a header line (type, id if any) and its data lines,
/// indented by two spaces.
fn human_event(
    out: &mut impl Write,
    color: bool,
    event_type: &str,
    data: &str,
    id: &str,
) -> io::Result<()> {
    let (type_on, type_off) = paint(color, style::TYPE);
    let (dim_on, dim_off) = paint(color, style::DIM);
    write!(out, "{type_on}{}{type_off}", escape_controls(event_type))?;
    if !id.is_empty() {
        write!(out, "  {dim_on}id: {}{dim_off}", escape_controls(id))?;
    }
    writeln!(out)?;
    if data.is_empty() {
        return writeln!(out, "  {dim_on}(empty data){dim_off}");
    }
    for line in data.split('\n') {
        writeln!(out, "  {}", escape_controls(line))?;
    }
    Ok(())
}

/// Writes the end-of-input line of the human-readable format.
fn human_end(out: &mut impl Write, color: bool, summary: &Summary<'_>) -> io::Result<()> {
    let (on, off) = paint(color, style::DIM);
    let plural = if summary.events == 1 { "" } else { "s" };
    write!(out, "{on}-- end of input: {} event{plural}", summary.events)?;
    if summary.dropped > 0 {
        write!(out, ", {} dropped", summary.dropped)?;
    }
    let id = json(summary.last_event_id)?;
    write!(out, "; last event id {}", escape_controls(&id))?;
    match summary.retry {
        Some(ms) => writeln!(out, "; retry {ms} ms{off}"),
        None => writeln!(out, "; retry not set{off}"),
    }
}

/// Makes control characters (other than tab) visible, e.g. `\u{1b}`, so
/// that a stream cannot drive the terminal it is shown on.
fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return text.into();
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    escaped.into()
}

/// A character that [`escape_controls`] escapes.
fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(
        format: Format,
        print: impl FnOnce(&mut Printer<&mut Vec<u8>>) -> io::Result<()>,
    ) -> String {
        let mut out = Vec::new();
        print(&mut Printer::new(&mut out, format)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_lines() {
        let event = Event::new("a\"b", "x\ny\u{0}\u{e9}", "7");
        assert_eq!(
            render(Format::Json, |p| p.event(&event)),
            "{\"type\":\"a\\\"b\",\"data\":\"x\\ny\\u0000\u{e9}\",\"id\":\"7\"}\n"
        );
        assert_eq!(
            render(Format::Json, |p| p.retry(u64::MAX)),
            "{\"retry\":18446744073709551615}\n"
        );
        assert_eq!(render(Format::Json, |p| p.comment("  two")), "{\"comment\":\" two\"}\n");
        let summary = Summary { last_event_id: "", retry: None, events: 0, dropped: 0 };
        assert_eq!(
            render(Format::Json, |p| p.end(&summary)),
            "{\"last_event_id\":\"\",\"retry\":null}\n"
        );
    }

    #[test]
    fn human_blocks() {
        let plain = Format::Human { color: false };
        let event = Event::new("delta", "one\ntwo", "3");
        assert_eq!(render(plain, |p| p.event(&event)), "delta  id: 3\n  one\n  two\n");
        let event = Event::new("message", "", "");
        assert_eq!(render(plain, |p| p.event(&event)), "message\n  (empty data)\n");
        let event = Event::new("message", "\u{1b}[2J\tx", "");
        assert_eq!(render(plain, |p| p.event(&event)), "message\n  \\u{1b}[2J\tx\n");
        assert_eq!(render(plain, |p| p.comment(" ping")), ": ping\n");
        let coloured = render(Format::Human { color: true }, |p| p.retry(5));
        assert_eq!(coloured, "\x1b[33mretry: 5 ms\x1b[0m\n");
    }
}
