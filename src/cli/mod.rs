//! The `ssekit` tool: arguments → inputs → [`ssekit::Parser`] → printer.

mod args;
mod input;
mod output;
mod sample;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use ssekit::{Item, Parser};

use self::args::{ColorChoice, Command, Options};
use self::input::{OpenError, Source};
use self::output::{Format, Printer, Summary};

/// Exit status when the input was parsed to the end but events were dropped.
const EXIT_DROPPED: u8 = 1;
/// Exit status for bad usage and IO errors.
const EXIT_FAILURE: u8 = 2;
/// Size of the read buffer: one `read` call's worth of input.
const CHUNK_SIZE: usize = 64 * 1024;
/// The line shown (on stderr) before the built-in sample.
const SAMPLE_NOTICE: &str = "showing a built-in sample stream; \
    to parse a real one, pipe it in: curl -N https://example.com/stream | ssekit";

/// Why a run stopped early.
#[derive(Debug)]
enum Failure {
    /// A bad command line.
    Usage(String),
    /// An input could not be opened or read.
    Read {
        /// The input, as named on the command line.
        name: String,
        /// Why.
        error: io::Error,
    },
    /// Standard output could not be written (a closed pipe included).
    Write(io::Error),
}

impl From<OpenError> for Failure {
    fn from(err: OpenError) -> Self {
        Self::Read { name: err.name, error: err.error }
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Self {
        Self::Write(err)
    }
}

/// Runs the tool and reports how it went as the exit status.
pub(crate) fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(Failure::Write(err)) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(failure) => {
            let message = match failure {
                Failure::Usage(message) => format!("{message} (see 'ssekit --help')"),
                Failure::Read { name, error } => {
                    format!("cannot read '{name}': {}", describe(&error))
                }
                Failure::Write(error) => format!("cannot write output: {}", describe(&error)),
            };
            report(&message);
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Parses the command line and does what it asks.
fn run() -> Result<ExitCode, Failure> {
    let mut opts = match args::parse(std::env::args_os().skip(1)).map_err(Failure::Usage)? {
        Command::Help => return print_text(&args::help()),
        Command::Version => return print_text(&format!("ssekit {}\n", env!("CARGO_PKG_VERSION"))),
        Command::Run(opts) => opts,
    };
    let sources = if opts.sample || (opts.inputs.is_empty() && io::stdin().is_terminal()) {
        report(SAMPLE_NOTICE);
        // The sample is a tour: show its keep-alive comment too.
        opts.comments = true;
        vec![Source::sample()]
    } else {
        Source::open_all(&opts.inputs)?
    };
    let printer = Printer::new(BufWriter::new(io::stdout().lock()), format(&opts));
    let mut session = Session { parser: parser(&opts), printer, events: 0, dropped: 0 };
    let mut buf = vec![0; CHUNK_SIZE];
    for mut source in sources {
        session.pump(&mut source, &mut buf)?;
    }
    session.finish()
}

/// Writes `text` to stdout (for `--help` and `--version`).
fn print_text(text: &str) -> Result<ExitCode, Failure> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The parser the options ask for.
fn parser(opts: &Options) -> Parser {
    Parser::builder()
        .max_line_len(opts.max_line)
        .max_event_size(opts.max_event)
        .emit_comments(opts.comments)
        .strict_utf8(opts.strict_utf8)
        .build()
}

/// The output format the options ask for, deciding `--color auto`.
fn format(opts: &Options) -> Format {
    if opts.json {
        return Format::Json;
    }
    let color = match opts.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
            !no_color && io::stdout().is_terminal()
        }
    };
    Format::Human { color }
}

/// Writes `ssekit: <message>` as one line on stderr. A failing stderr is
/// ignored: there is nowhere left to report it.
fn report(message: &str) {
    let _ = writeln!(io::stderr().lock(), "ssekit: {message}");
}

/// An IO error's message without Rust's " (os error N)" suffix.
fn describe(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_owned(),
        _ => text,
    }
}

/// One stream being parsed and printed.
#[derive(Debug)]
struct Session<W: Write> {
    parser: Parser,
    printer: Printer<W>,
    /// Events printed so far.
    events: u64,
    /// Events dropped by errors so far.
    dropped: u64,
}

impl<W: Write> Session<W> {
    /// Feeds one input to the parser chunk by chunk as it arrives, printing
    /// what each chunk completes before waiting for the next.
    fn pump(&mut self, source: &mut Source, buf: &mut [u8]) -> Result<(), Failure> {
        loop {
            let len = match source.read_chunk(buf) {
                Ok(0) => return Ok(()),
                Ok(len) => len,
                Err(error) => return Err(Failure::Read { name: source.name.clone(), error }),
            };
            self.parser.feed(&buf[..len]);
            self.drain()?;
        }
    }

    /// Prints every item the input fed so far completes, then flushes.
    fn drain(&mut self) -> io::Result<()> {
        while let Some(item) = self.parser.next_item() {
            match item {
                Ok(Item::Event(event)) => {
                    self.printer.event(&event)?;
                    self.events += 1;
                }
                Ok(Item::Retry(ms)) => self.printer.retry(ms)?,
                Ok(Item::Comment(text)) => self.printer.comment(text.as_str())?,
                Ok(_) => {}
                Err(err) => self.warn(&err)?,
            }
        }
        self.printer.flush()
    }

    /// Reports a dropped event on stderr, after what was printed before it.
    fn warn(&mut self, err: &ssekit::Error) -> io::Result<()> {
        self.printer.flush()?;
        self.dropped += 1;
        report(&format!("warning: {err}; event dropped"));
        Ok(())
    }

    /// Ends the stream: prints what is left, then the end-of-input line.
    fn finish(mut self) -> Result<ExitCode, Failure> {
        self.parser.finish();
        self.drain()?;
        let summary = Summary {
            last_event_id: self.parser.last_event_id().as_str(),
            retry: self.parser.retry(),
            events: self.events,
            dropped: self.dropped,
        };
        self.printer.end(&summary)?;
        self.printer.flush()?;
        Ok(if self.dropped > 0 { ExitCode::from(EXIT_DROPPED) } else { ExitCode::SUCCESS })
    }
}
