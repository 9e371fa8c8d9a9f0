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
            Value(value) if value == "-" => opts.inputs.push(Input::Stdin),
            Value(value) => opts.inputs.push(Input::File(value.into())),
            _ => return Err(arg.unexpected().to_string()),
        }
    }
    if opts.sample && !opts.inputs.is_empty() {
        return Err("--sample takes no FILE arguments".to_owned());
    }
    Ok(Command::Run(opts))
}

/// The value of the option just read, as UTF-8 text.
fn option_value(parser: &mut lexopt::Parser, name: &str) -> Result<String, String> {
    let value = parser.value().map_err(|err| err.to_string())?;
    value.into_string().map_err(|value| format!("invalid value {value:?} for {name}: not UTF-8"))
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
       curl -N https://example.com/stream | ssekit

Reads the FILEs in order, or standard input if there are none ('-' also means
standard input). All inputs together are ONE stream, as if concatenated: an
event may begin in one file and end in the next, and the end-of-stream rules
(a partial last event is dropped) apply once, after the last input. Input is
read in chunks as it arrives and each event is printed when its blank line is
read. With no FILE and a terminal on standard input, ssekit parses a built-in
sample stream instead.

Options:
  -j, --json               Print one JSON object per line (format below)
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

BYTES is a number, optionally with a suffix K, M or G (powers of 1024). A line
or an event over a limit is skipped: the event is dropped with a warning on
stderr naming the limit and the stream offset, and parsing goes on.

JSON output (--json), one object per line, flushed as soon as it is known:
  {{\"type\":\"message\",\"data\":\"a\",\"id\":\"\"}}  an event; id is the last event ID
  {{\"retry\":3000}}                         a valid retry field
  {{\"comment\":\"keep-alive\"}}               a comment line (with --comments),
                                         one leading space removed
  {{\"last_event_id\":\"7\",\"retry\":3000}}     once, at the end of the input
                                         (retry is null if never set)

Exit status:
  0  the whole input was parsed (or stdout was closed early, e.g. by head)
  1  the whole input was parsed, but an event was dropped: a limit was
     exceeded (or, with --strict-utf8, a line was not valid UTF-8)
  2  bad usage, an input could not be read, or output could not be written
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
    fn help_fits_80_columns() {
        assert!(help().lines().all(|line| line.chars().count() <= 80));
    }
}
