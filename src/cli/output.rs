//! Formatting what the parser reports: human-readable blocks, the JSON
//! lines of contract 2 (see `--help`), or bare data for pipes.

use core::time::Duration;
use std::io::{self, Write};

use ssekit::Event;

use super::timing::{millis, Report, Stamp};

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
    /// Each event's data on a line of its own, nothing else.
    DataOnly,
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
    /// How many events `--type` left out.
    pub(crate) skipped: u64,
}

/// A connection event in URL mode: opened, reconnecting, closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Notice {
    /// The value of the `"connection"` key: `open`, `reconnecting` or
    /// `closed`.
    pub(crate) kind: &'static str,
    /// The other keys, in order.
    pub(crate) fields: Vec<(&'static str, Field)>,
    /// The same for people, e.g. `reconnecting in 3000 ms: the stream ended`.
    pub(crate) text: String,
}

/// A value in a [`Notice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Field {
    /// A JSON number.
    Number(u64),
    /// A JSON string.
    Text(String),
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

    /// The format it writes.
    pub(crate) fn format(&self) -> Format {
        self.format
    }

    /// Writes a dispatched event, with when it arrived if `--timing`.
    pub(crate) fn event(&mut self, event: &Event, stamp: Option<Stamp>) -> io::Result<()> {
        let (event_type, data, id) =
            (event.event_type().as_str(), event.data().as_str(), event.id().as_str());
        match self.format {
            Format::Json => {
                let (event_type, data, id) = (json(event_type)?, json(data)?, json(id)?);
                write!(self.out, r#"{{"type":{event_type},"data":{data},"id":{id}"#)?;
                if let Some(stamp) = stamp {
                    write!(
                        self.out,
                        r#","elapsed_ms":{},"gap_ms":{}"#,
                        json_ms(Some(stamp.elapsed)),
                        json_ms(stamp.gap)
                    )?;
                }
                writeln!(self.out, "}}")
            }
            Format::Human { color } => {
                if let Some(stamp) = stamp {
                    human_stamp(&mut self.out, color, stamp)?;
                }
                human_event(&mut self.out, color, event_type, data, id)
            }
            Format::DataOnly => data_line(&mut self.out, data),
        }
    }

    /// Writes one line saying when an event arrived and what it was (its
    /// type and id, not its data): `--timing` beside `--data-only`, whose
    /// output must stay bare data.
    pub(crate) fn event_stamp(&mut self, event: &Event, stamp: Stamp) -> io::Result<()> {
        let color = matches!(self.format, Format::Human { color: true });
        human_stamp(&mut self.out, color, stamp)?;
        human_header(&mut self.out, color, event.event_type().as_str(), event.id().as_str())
    }

    /// Writes a valid `retry` field.
    pub(crate) fn retry(&mut self, ms: u64) -> io::Result<()> {
        match self.format {
            Format::Json => writeln!(self.out, r#"{{"retry":{ms}}}"#),
            Format::Human { color } => {
                let (on, off) = paint(color, style::RETRY);
                writeln!(self.out, "{on}retry: {ms} ms{off}")
            }
            Format::DataOnly => Ok(()),
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
            Format::DataOnly => Ok(()),
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
            Format::DataOnly => Ok(()),
        }
    }

    /// Writes a connection event as its own JSON object. In the other
    /// formats it is a line on stderr instead, so this writes nothing.
    pub(crate) fn notice(&mut self, notice: &Notice) -> io::Result<()> {
        if self.format != Format::Json {
            return Ok(());
        }
        write!(self.out, r#"{{"connection":{}"#, json(notice.kind)?)?;
        for (key, value) in &notice.fields {
            match value {
                Field::Number(number) => write!(self.out, r#","{key}":{number}"#)?,
                Field::Text(text) => write!(self.out, r#","{key}":{}"#, json(text)?)?,
            }
        }
        writeln!(self.out, "}}")
    }

    /// Writes the `--timing` summary: a `{"timing":{...}}` object in JSON
    /// (before the end-of-input line, which stays the last), an aligned
    /// table for people.
    pub(crate) fn timing(&mut self, report: &Report) -> io::Result<()> {
        match self.format {
            Format::Json => {
                let gaps = report.gaps.map_or_else(
                    || "null".to_owned(),
                    |gaps| {
                        format!(
                            r#"{{"p50":{},"p90":{},"p99":{},"max":{}}}"#,
                            json_ms(Some(gaps.p50)),
                            json_ms(Some(gaps.p90)),
                            json_ms(Some(gaps.p99)),
                            json_ms(Some(gaps.max))
                        )
                    },
                );
                let rate = report
                    .events_per_sec
                    .map_or_else(|| "null".to_owned(), |rate| format!("{rate:.3}"));
                writeln!(
                    self.out,
                    r#"{{"timing":{{"first_byte_ms":{},"first_event_ms":{},"events":{},"bytes":{},"duration_ms":{},"events_per_sec":{rate},"gap_ms":{gaps}}}}}"#,
                    json_ms(report.first_byte),
                    json_ms(report.first_event),
                    report.events,
                    report.bytes.map_or_else(|| "null".to_owned(), |bytes| bytes.to_string()),
                    json_ms(Some(report.duration)),
                )
            }
            Format::Human { color } => human_timing(&mut self.out, color, report),
            Format::DataOnly => Ok(()),
        }
    }

    /// Pushes everything written so far to the output.
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A duration as a JSON number of milliseconds with microsecond
/// precision, or `null`.
fn json_ms(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "null".to_owned(), |duration| format!("{:.3}", millis(duration)))
}

/// A duration for people: milliseconds with one decimal, or `-`.
fn human_ms(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "-".to_owned(), |duration| format!("{:.1} ms", millis(duration)))
}

/// Writes an event's data on one line: line breaks inside it become spaces,
/// so each event is exactly one line and JSON data split over several
/// `data:` lines is still the same JSON value (JSON has no line breaks
/// inside strings, so they can only be whitespace between tokens).
fn data_line(out: &mut impl Write, data: &str) -> io::Result<()> {
    for (index, line) in data.split('\n').enumerate() {
        if index > 0 {
            out.write_all(b" ")?;
        }
        out.write_all(line.as_bytes())?;
    }
    out.write_all(b"\n")
}

/// Writes the `--timing` column in front of an event's header line: the
/// time since the start and since the previous event, right-aligned.
fn human_stamp(out: &mut impl Write, color: bool, stamp: Stamp) -> io::Result<()> {
    let (on, off) = paint(color, style::DIM);
    let gap = stamp.gap.map_or_else(|| "-".to_owned(), |gap| format!("+{:.1} ms", millis(gap)));
    write!(out, "{on}{:>10.1} ms {gap:>13}{off}  ", millis(stamp.elapsed))
}

/// Writes the `--timing` summary as an aligned table.
fn human_timing(out: &mut impl Write, color: bool, report: &Report) -> io::Result<()> {
    let (on, off) = paint(color, style::DIM);
    let gap = |pick: fn(&super::timing::Gaps) -> Duration| human_ms(report.gaps.as_ref().map(pick));
    let rate = report.events_per_sec.map_or_else(|| "-".to_owned(), |rate| format!("{rate:.1}"));
    let rows = [
        ("time to first byte", human_ms(report.first_byte)),
        ("time to first event", human_ms(report.first_event)),
        ("events", report.events.to_string()),
        ("bytes", report.bytes.map_or_else(|| "-".to_owned(), |bytes| bytes.to_string())),
        ("duration", human_ms(Some(report.duration))),
        ("events/s", rate),
        ("gap p50", gap(|gaps| gaps.p50)),
        ("gap p90", gap(|gaps| gaps.p90)),
        ("gap p99", gap(|gaps| gaps.p99)),
        ("gap max", gap(|gaps| gaps.max)),
    ];
    writeln!(out, "{on}-- timing{off}")?;
    for (name, value) in rows {
        // Numbers line up on their last digit; units stick out to the right.
        match value.split_once(' ') {
            Some((number, unit)) => writeln!(out, "{on}   {name:<20}{number:>12} {unit}{off}")?,
            None => writeln!(out, "{on}   {name:<20}{value:>12}{off}")?,
        }
    }
    Ok(())
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
    let (dim_on, dim_off) = paint(color, style::DIM);
    human_header(out, color, event_type, id)?;
    if data.is_empty() {
        return writeln!(out, "  {dim_on}(empty data){dim_off}");
    }
    for line in data.split('\n') {
        writeln!(out, "  {}", escape_controls(line))?;
    }
    Ok(())
}

/// Writes an event's header line: its type, and its id if any.
fn human_header(out: &mut impl Write, color: bool, event_type: &str, id: &str) -> io::Result<()> {
    let (type_on, type_off) = paint(color, style::TYPE);
    let (dim_on, dim_off) = paint(color, style::DIM);
    write!(out, "{type_on}{}{type_off}", escape_controls(event_type))?;
    if !id.is_empty() {
        write!(out, "  {dim_on}id: {}{dim_off}", escape_controls(id))?;
    }
    writeln!(out)
}

/// Writes the end-of-input line of the human-readable format.
fn human_end(out: &mut impl Write, color: bool, summary: &Summary<'_>) -> io::Result<()> {
    let (on, off) = paint(color, style::DIM);
    let plural = if summary.events == 1 { "" } else { "s" };
    write!(out, "{on}-- end of input: {} event{plural}", summary.events)?;
    if summary.dropped > 0 {
        write!(out, ", {} dropped", summary.dropped)?;
    }
    if summary.skipped > 0 {
        write!(out, ", {} not shown (--type)", summary.skipped)?;
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
            render(Format::Json, |p| p.event(&event, None)),
            "{\"type\":\"a\\\"b\",\"data\":\"x\\ny\\u0000\u{e9}\",\"id\":\"7\"}\n"
        );
        assert_eq!(
            render(Format::Json, |p| p.retry(u64::MAX)),
            "{\"retry\":18446744073709551615}\n"
        );
        assert_eq!(render(Format::Json, |p| p.comment("  two")), "{\"comment\":\" two\"}\n");
        let summary = Summary { last_event_id: "", retry: None, events: 0, dropped: 0, skipped: 0 };
        assert_eq!(
            render(Format::Json, |p| p.end(&summary)),
            "{\"last_event_id\":\"\",\"retry\":null}\n"
        );
    }

    #[test]
    fn notices() {
        let notice = Notice {
            kind: "closed",
            fields: vec![("reason", Field::Text("status".into())), ("status", Field::Number(404))],
            text: "closed: the server answered 404".into(),
        };
        assert_eq!(
            render(Format::Json, |p| p.notice(&notice)),
            "{\"connection\":\"closed\",\"reason\":\"status\",\"status\":404}\n"
        );
        assert_eq!(render(Format::Human { color: false }, |p| p.notice(&notice)), "");
        assert_eq!(render(Format::DataOnly, |p| p.notice(&notice)), "");
    }

    #[test]
    fn human_blocks() {
        let plain = Format::Human { color: false };
        let event = Event::new("delta", "one\ntwo", "3");
        assert_eq!(render(plain, |p| p.event(&event, None)), "delta  id: 3\n  one\n  two\n");
        let event = Event::new("message", "", "");
        assert_eq!(render(plain, |p| p.event(&event, None)), "message\n  (empty data)\n");
        let event = Event::new("message", "\u{1b}[2J\tx", "");
        assert_eq!(render(plain, |p| p.event(&event, None)), "message\n  \\u{1b}[2J\tx\n");
        assert_eq!(render(plain, |p| p.comment(" ping")), ": ping\n");
        let coloured = render(Format::Human { color: true }, |p| p.retry(5));
        assert_eq!(coloured, "\x1b[33mretry: 5 ms\x1b[0m\n");
    }
}
