//! Command-line arguments: what `ssekit` was asked to do, and `--help`.

use std::ffi::OsString;
use std::path::PathBuf;

use ssekit::{DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_LEN};

/// When to colour the human-readable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColorChoice {
    /// Only when stdout is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Always, even into a pipe or file.
    Always,
    /// Never.
    Never,
}

/// Where the stream comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    /// Standard input, named `-` on the command line.
    Stdin,
    /// A file, by the name it was given on the command line.
    File(PathBuf),
}

/// One `-d` argument: the text itself, or `@file` (`@-`: standard input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    /// The bytes of the argument.
    Text(String),
    /// The contents of this file, byte for byte.
    File(PathBuf),
    /// All of standard input.
    Stdin,
}

/// What to fetch in URL mode, curl-style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Request {
    /// The `http://` or `https://` URL.
    pub(crate) url: String,
    /// `-X`; without it GET, or POST when there is a body.
    pub(crate) method: Option<String>,
    /// `-H 'Name: value'`, in order.
    pub(crate) headers: Vec<(String, String)>,
    /// `-d`, in order; several are joined with `&`, as curl does.
    pub(crate) body: Vec<Body>,
    /// Reconnect when the stream ends or the connection fails (the
    /// `EventSource` rule); `--no-reconnect` turns it off.
    pub(crate) reconnect: bool,
}

/// The settings of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Options {
    /// The inputs in order; empty means standard input (or the sample).
    pub(crate) inputs: Vec<Input>,
    /// Print contract-2 JSON lines instead of the human-readable blocks.
    pub(crate) json: bool,
    /// Also print comment lines.
    pub(crate) comments: bool,
    /// When to colour the human-readable output.
    pub(crate) color: ColorChoice,
    /// The parser's line limit, in bytes.
    pub(crate) max_line: usize,
    /// The parser's event size limit, in bytes.
    pub(crate) max_event: usize,
    /// Treat invalid UTF-8 as an error instead of replacing it.
    pub(crate) strict_utf8: bool,
    /// Parse the built-in sample instead of the inputs.
    pub(crate) sample: bool,
    /// Print when each event arrived, and a summary at the end.
    pub(crate) timing: bool,
    /// Print only each event's data, one event per line.
    pub(crate) data_only: bool,
    /// Keep only events of these types (all if empty).
    pub(crate) types: Vec<String>,
    /// Fetch this instead of reading inputs.
    pub(crate) request: Option<Request>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            inputs: Vec::new(),
            json: false,
            comments: false,
            color: ColorChoice::Auto,
            max_line: DEFAULT_MAX_LINE_LEN,
            max_event: DEFAULT_MAX_EVENT_SIZE,
            strict_utf8: false,
            sample: false,
            timing: false,
            data_only: false,
            types: Vec::new(),
            request: None,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// Parse a stream with these options.
    Run(Options),
    /// Print the help text.
    Help,
    /// Print the version.
    Version,
}

/// Parses the arguments (without the program name).
///
/// # Errors
///
/// A one-line description of the bad argument.
pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    use lexopt::prelude::*;

    let mut opts = Options::default();
    let mut url = None;
    let mut method = None;
    let mut headers = Vec::new();
    let mut body = Vec::new();
    // The first request-only flag seen, to name it if there is no URL.
    let mut request_flag = None;
    let mut reconnect = true;
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(|err| err.to_string())? {
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Short('V') | Long("version") => return Ok(Command::Version),
            Short('j') | Long("json") => opts.json = true,
            Short('c') | Long("comments") => opts.comments = true,
            Long("strict-utf8") => opts.strict_utf8 = true,
            Long("sample") => opts.sample = true,
            Long("color" | "colour") => {
                opts.color = parse_color(&option_value(&mut parser, "--color")?)?
            }
            Long("max-line") => {
                opts.max_line = parse_size("--max-line", &option_value(&mut parser, "--max-line")?)?
            }
            Long("max-event") => {
                opts.max_event =
                    parse_size("--max-event", &option_value(&mut parser, "--max-event")?)?
            }
            Long("timing") => opts.timing = true,
            Long("data-only") => opts.data_only = true,
            Long("type") => opts.types.push(option_value(&mut parser, "--type")?),
            Short('H') | Long("header") => {
                request_flag.get_or_insert("-H");
                headers.push(parse_header(&option_value(&mut parser, "-H")?)?);
            }
            Short('X') | Long("request") => {
                request_flag.get_or_insert("-X");
                method = Some(parse_method(&option_value(&mut parser, "-X")?)?);
            }
            Short('d') | Long("data") => {
                request_flag.get_or_insert("-d");
                body.push(parse_body(parser.value().map_err(|err| err.to_string())?)?);
            }
            Long("no-reconnect") => {
                request_flag.get_or_insert("--no-reconnect");
                reconnect = false;
            }
            Value(value) if is_url(&value) => {
                let value = value
                    .into_string()
                    .map_err(|value| format!("invalid URL {value:?}: not UTF-8"))?;
                if let Some(first) = url.replace(value) {
                    return Err(format!("one URL at a time (already have '{first}')"));
                }
            }
            Value(value) if value.to_string_lossy().contains("://") => {
                return Err(format!(
                    "unsupported URL '{}': only http:// and https:// are fetched",
                    value.to_string_lossy()
                ));
            }
            Value(value) if value == "-" => opts.inputs.push(Input::Stdin),
            Value(value) => opts.inputs.push(Input::File(value.into())),
            _ => return Err(arg.unexpected().to_string()),
        }
    }
    if opts.sample && !opts.inputs.is_empty() {
        return Err("--sample takes no FILE arguments".to_owned());
    }
    if opts.data_only && opts.json {
        return Err("--data-only and --json are two output formats: choose one".to_owned());
    }
    match url {
        Some(url) => {
            if opts.sample || !opts.inputs.is_empty() {
                return Err("a URL takes no FILE arguments or --sample".to_owned());
            }
            opts.request = Some(Request { url, method, headers, body, reconnect });
        }
        None => {
            if let Some(flag) = request_flag {
                return Err(format!("{flag} needs a URL to fetch (http:// or https://)"));
            }
        }
    }
    Ok(Command::Run(opts))
}

/// The value of the option just read, as UTF-8 text.
fn option_value(parser: &mut lexopt::Parser, name: &str) -> Result<String, String> {
    let value = parser.value().map_err(|err| err.to_string())?;
    value.into_string().map_err(|value| format!("invalid value {value:?} for {name}: not UTF-8"))
}

/// Whether a command-line value names a URL to fetch rather than a file.
fn is_url(value: &std::ffi::OsStr) -> bool {
    let value = value.to_string_lossy();
    ["http://", "https://"].iter().any(|scheme| {
        value.get(..scheme.len()).is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    })
}

/// Parses `-H 'Name: value'`: the name is what precedes the first colon,
/// the value what follows it, both without surrounding whitespace.
fn parse_header(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(format!("invalid header '{text}' for -H: expected 'Name: value'")),
    }
}

/// Parses `-X`: an HTTP method is a token, sent as given (curl does not
/// change its case either).
fn parse_method(text: &str) -> Result<String, String> {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if text.is_empty() || !text.chars().all(token) {
        return Err(format!("invalid method '{text}' for -X"));
    }
    Ok(text.to_owned())
}

/// Parses `-d`: `@-` is standard input, `@file` a file, anything else the
/// text itself (which must then be UTF-8).
fn parse_body(value: OsString) -> Result<Body, String> {
    let text = value
        .into_string()
        .map_err(|value| format!("invalid value {value:?} for -d: not UTF-8"))?;
    Ok(match text.strip_prefix('@') {
        Some("-") => Body::Stdin,
        Some(path) if !path.is_empty() => Body::File(path.into()),
        Some(_) => return Err("invalid value '@' for -d: expected @FILE or @-".to_owned()),
        None => Body::Text(text),
    })
}

/// Parses the value of `--color`.
fn parse_color(value: &str) -> Result<ColorChoice, String> {
    match value {
        "auto" => Ok(ColorChoice::Auto),
        "always" => Ok(ColorChoice::Always),
        "never" => Ok(ColorChoice::Never),
        _ => Err(format!("invalid value '{value}' for --color: expected auto, always or never")),
    }
}

/// Binary size suffixes accepted by [`parse_size`], largest first.
const SUFFIXES: [(&str, u32); 3] = [("G", 30), ("M", 20), ("K", 10)];

/// Parses a byte count such as `65536`, `64K`, `64KiB`, `4M` or `1G`
/// (suffixes are powers of 1024, case-insensitive).
fn parse_size(name: &str, value: &str) -> Result<usize, String> {
    let invalid = || {
        format!(
            "invalid value '{value}' for {name}: expected a byte count such as 65536, 64K or 4M"
        )
    };
    let digits_end = value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len());
    let (digits, suffix) = value.split_at(digits_end);
    let shift = match suffix.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        other => SUFFIXES
            .iter()
            .find(|(letter, _)| {
                other == *letter || other == format!("{letter}B") || other == format!("{letter}IB")
            })
            .map(|&(_, shift)| shift)
            .ok_or_else(invalid)?,
    };
    let number: usize = digits.parse().map_err(|_| invalid())?;
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("invalid value '{value}' for {name}: too large"))
}

/// Formats a byte count the way [`parse_size`] reads it, e.g. `4M`.
fn format_size(bytes: usize) -> String {
    SUFFIXES
        .iter()
        .find(|&&(_, shift)| bytes != 0 && bytes % (1 << shift) == 0)
        .map_or_else(|| bytes.to_string(), |&(letter, shift)| format!("{}{letter}", bytes >> shift))
}

/// The `--help` text.
pub(crate) fn help() -> String {
    format!(
        "\
ssekit {version}
Parse a text/event-stream (Server-Sent Events) and print each event as soon
as it is complete.

Usage: ssekit [OPTIONS] [FILE]...
       ssekit [OPTIONS] URL
       curl -N https://example.com/stream | ssekit

Reads the FILEs in order, or standard input if there are none ('-' also means
standard input). All inputs together are ONE stream, as if concatenated: an
event may begin in one file and end in the next, and the end-of-stream rules
(a partial last event is dropped) apply once, after the last input. Input is
read in chunks as it arrives and each event is printed when its blank line is
read. With no FILE and a terminal on standard input, ssekit parses a built-in
sample stream instead.

Given an http:// or https:// URL, ssekit fetches the stream itself, as a
browser's EventSource does: it sends Accept: text/event-stream, and when the
stream ends or the connection fails it reconnects after the retry delay with
Last-Event-ID set. A status other than 200 or a Content-Type other than
text/event-stream closes it for good.

Options:
  -j, --json               Print one JSON object per line (format below)
      --data-only          Print only each event's data, one event per line:
                           a line break inside the data is printed as a
                           space (JSON split over data: lines stays the same
                           JSON). For jq, or any line-by-line tool:
                             ssekit URL --data-only | jq .choices[0].delta
                           (--json keeps the data byte for byte: jq -r .data)
      --type <NAME>        Keep only events of type NAME (repeatable; exact,
                           case-sensitive; untyped events are 'message'):
                             ssekit --type content_block_delta --type ping
      --timing             Show when each event arrived: the time since the
                           start and since the previous event shown, then a
                           summary (format below):
                             curl -sN URL | ssekit --timing
                             ssekit --timing --data-only URL > data.txt
  -c, --comments           Also print comment lines, e.g. keep-alives
      --color <WHEN>       Colour the output: auto, always or never [default:
                           auto: only if stdout is a terminal and NO_COLOR
                           is not set]
      --max-line <BYTES>   Longest line accepted [default: {max_line}]
      --max-event <BYTES>  Largest event data accepted [default: {max_event}]
      --strict-utf8        Drop events with invalid UTF-8 instead of decoding
                           it with U+FFFD replacement
      --sample             Parse the built-in sample stream
  -h, --help               Print this help
  -V, --version            Print the version

URL options (as curl's):
  -H, --header <LINE>      Send a header, 'Name: value' (repeatable):
                             ssekit -H 'Authorization: Bearer $KEY' URL
  -X, --request <METHOD>   The method [default: GET, or POST with -d]
  -d, --data <DATA>        Send DATA as the body; @FILE sends a file, @- all
                           of standard input, byte for byte. Several -d are
                           joined with '&'. Content-Type is
                           application/x-www-form-urlencoded unless -H sets
                           one. An LLM API streams from a POST:
                             ssekit --no-reconnect -d @request.json \\
                               -H 'Content-Type: application/json' URL
      --no-reconnect       Stop when the stream ends or the connection
                           fails, instead of reconnecting. Add it for
                           streams that end after one answer (LLM APIs):
                           a reconnect would send the request again.

BYTES is a number, optionally with a suffix K, M or G (powers of 1024). A line
or an event over a limit is skipped: the event is dropped with a warning on
stderr naming the limit and the stream offset, and parsing goes on. --type
applies first: counts, gaps and rates are of the events shown.

JSON output (--json), one object per line, flushed as soon as it is known:
  {{\"type\":\"message\",\"data\":\"a\",\"id\":\"\"}}  an event; id is the last event ID
  {{\"retry\":3000}}                         a valid retry field
  {{\"comment\":\"keep-alive\"}}               a comment line (with --comments),
                                         one leading space removed
  {{\"last_event_id\":\"7\",\"retry\":3000}}     once, at the end of the input
                                         (retry is null if never set)
With --timing, each event has two more keys after those three, numbers of
milliseconds: \"elapsed_ms\" since the start and \"gap_ms\" since the previous
event shown (null for the first). Just before the end-of-input line:
  {{\"timing\":{{\"first_byte_ms\":1.2,\"first_event_ms\":3.4,\"events\":2,
   \"bytes\":40,\"duration_ms\":30.1,\"events_per_sec\":40.0,\"gap_ms\":
   {{\"p50\":25.0,\"p90\":25.0,\"p99\":25.0,\"max\":25.0}}}}}}
first_byte_ms and first_event_ms are null if none came, events_per_sec is
(events - 1) / (time from first to last event), null below two events, and
gap_ms holds nearest-rank percentiles of the gaps between events (null below
two events). Without --json, the same appears as a table after the last
event (on stderr with --data-only, with one line per event).

In URL mode, the connection's own events are objects too, with a \"connection\"
key (in the human and --data-only formats: lines on stderr):
  {{\"connection\":\"open\"}}                  the response was accepted
  {{\"connection\":\"reconnecting\",\"reason\":R,\"delay_ms\":3000,\"attempt\":1}}
      R is ended, network_error, idle_timeout or status (then \"status\":N);
      \"error\":TEXT says what failed, when known
  {{\"connection\":\"closed\",\"reason\":R}}     last but the end-of-input line
      R is status (\"status\":N), content_type, ended (--no-reconnect),
      retries_exhausted (\"attempts\":N,\"last\":R), interrupted (Ctrl-C) or
      closed; a refused response adds \"content_type\" and the start of its
      \"body\", a failure \"error\"
With --timing, time to first byte is the time to the first response; bytes
are not counted in URL mode (null).

Exit status:
  0  the whole input was parsed (or stdout was closed early, e.g. by head);
     in URL mode, the stream ended and --no-reconnect was given
  1  the whole input was parsed, but an event was dropped: a limit was
     exceeded (or, with --strict-utf8, a line was not valid UTF-8)
  2  bad usage, an input could not be read, or output could not be written
  3  URL mode: the server refused the stream (a status other than 200, or a
     Content-Type other than text/event-stream); no retry
  4  URL mode: the connection failed and was not re-established (with
     --no-reconnect, or once the reconnection attempts are used up)
  130  interrupted by Ctrl-C, after the end-of-input line (and summary): in
       URL mode; and with --timing, where the first Ctrl-C does not kill
       ssekit but waits for the input to end (curl gets it too), so that
       curl -N URL | ssekit --timing still prints the summary; a second
       Ctrl-C exits at once
",
        version = env!("CARGO_PKG_VERSION"),
        max_line = format_size(DEFAULT_MAX_LINE_LEN),
        max_event = format_size(DEFAULT_MAX_EVENT_SIZE),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn sizes_with_suffixes() {
        for (text, bytes) in [
            ("0", 0),
            ("65536", 65536),
            ("64K", 64 << 10),
            ("64k", 64 << 10),
            ("64KiB", 64 << 10),
            ("4M", 4 << 20),
            ("1G", 1 << 30),
            ("10B", 10),
        ] {
            assert_eq!(parse_size("--max-line", text), Ok(bytes), "{text}");
        }
        for text in
            ["", "K", "-1", "1.5M", "4T", "4 M", "99999999999999999999", "18446744073709551615G"]
        {
            assert!(parse_size("--max-line", text).is_err(), "{text}");
        }
    }

    #[test]
    fn formatted_sizes_parse_back() {
        for bytes in [0, 1, 1000, 1024, 4 << 20, 16 << 20, 3 << 30, DEFAULT_MAX_LINE_LEN] {
            assert_eq!(parse_size("x", &format_size(bytes)), Ok(bytes));
        }
        assert_eq!(format_size(4 << 20), "4M");
    }

    #[test]
    fn options() {
        let Ok(Command::Run(opts)) =
            run(&["--json", "-c", "--color=never", "--max-line", "1K", "a", "-", "--", "-b"])
        else {
            panic!("did not parse");
        };
        assert!(opts.json && opts.comments);
        assert_eq!(opts.color, ColorChoice::Never);
        assert_eq!(opts.max_line, 1024);
        assert_eq!(opts.max_event, DEFAULT_MAX_EVENT_SIZE);
        assert_eq!(opts.inputs, [Input::File("a".into()), Input::Stdin, Input::File("-b".into())]);
    }

    #[test]
    fn bad_arguments() {
        for args in [
            &["--bogus"][..],
            &["--color", "sometimes"],
            &["--max-event"],
            &["--json=yes"],
            &["--sample", "file"],
        ] {
            assert!(run(args).is_err(), "{args:?}");
        }
        assert_eq!(run(&["-h", "--bogus"]), Ok(Command::Help));
    }

    #[test]
    fn output_and_url_options() {
        let Ok(Command::Run(opts)) = run(&["--timing", "--data-only", "--type", "a", "--type=b"])
        else {
            panic!("did not parse");
        };
        assert!(opts.timing && opts.data_only && opts.request.is_none());
        assert_eq!(opts.types, ["a", "b"]);

        let Ok(Command::Run(opts)) = run(&[
            "-H",
            "Authorization:  Bearer x ",
            "HTTPS://example.invalid/s",
            "-d",
            "@body.json",
            "-d",
            "a=1",
            "-d@-",
            "--header=X-Empty:",
            "-X",
            "PUT",
            "--no-reconnect",
        ]) else {
            panic!("did not parse");
        };
        let request = opts.request.expect("a request");
        assert_eq!(request.url, "HTTPS://example.invalid/s");
        assert_eq!(request.method.as_deref(), Some("PUT"));
        assert_eq!(
            request.headers,
            [
                ("Authorization".to_owned(), "Bearer x".to_owned()),
                ("X-Empty".to_owned(), String::new())
            ]
        );
        assert_eq!(
            request.body,
            [Body::File("body.json".into()), Body::Text("a=1".into()), Body::Stdin]
        );
        assert!(!request.reconnect);

        let Ok(Command::Run(opts)) = run(&["http://127.0.0.1:1/"]) else {
            panic!("did not parse");
        };
        let request = opts.request.expect("a request");
        assert!(request.reconnect && request.method.is_none() && request.body.is_empty());
        // Not a URL: a file whose name happens to start like one.
        let Ok(Command::Run(opts)) = run(&["http.sse"]) else { panic!("did not parse") };
        assert_eq!(opts.inputs, [Input::File("http.sse".into())]);
    }

    #[test]
    fn bad_url_arguments() {
        for args in [
            &["-H", "NoColon", "http://x/"][..],
            &["-H", ": empty name", "http://x/"],
            &["-X", "GET POST", "http://x/"],
            &["-X", "", "http://x/"],
            &["-d", "@", "http://x/"],
            &["http://x/", "http://y/"],
            &["http://x/", "file.sse"],
            &["--sample", "http://x/"],
            &["ftp://x/"],
            &["-X", "POST"],
            &["--data-only", "--json"],
        ] {
            assert!(run(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn help_fits_80_columns() {
        assert!(help().lines().all(|line| line.chars().count() <= 80));
    }
}
