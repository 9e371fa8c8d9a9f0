//! The `ssekit` tool: arguments → inputs → [`ssekit::Parser`] → [`Sink`]
//! (the `--type` filter, `--timing`) → printer.

mod args;
mod fetch;
mod input;
mod output;
mod sample;
mod timing;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use ssekit::{Item, Parser};

use self::args::{ColorChoice, Command, Options};
use self::input::{OpenError, Source};
use self::output::{Format, Printer, Summary};
use self::timing::Timing;

/// Exit status when the input was parsed to the end but events were dropped.
const EXIT_DROPPED: u8 = 1;
/// Exit status for bad usage and IO errors.
const EXIT_FAILURE: u8 = 2;
/// Exit status after Ctrl-C (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: u8 = 130;
/// Size of the read buffer: one `read` call's worth of input.
const CHUNK_SIZE: usize = 64 * 1024;
/// The line shown (on stderr) before the built-in sample.
const SAMPLE_NOTICE: &str = "showing a built-in sample stream; \
    to parse a real one: ssekit https://example.com/stream, \
    or pipe it in: curl -N https://example.com/stream | ssekit";

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
    /// What URL mode needs could not be set up (the runtime, TLS).
    Setup(String),
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
                Failure::Setup(message) => message,
            };
            report(&message);
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Parses the command line and does what it asks.
fn run() -> Result<ExitCode, Failure> {
    // `--timing` counts from here: before any input is opened or read.
    let start = Instant::now();
    let mut opts = match args::parse(std::env::args_os().skip(1)).map_err(Failure::Usage)? {
        Command::Help => return print_text(&args::help()),
        Command::Version => return print_text(&format!("ssekit {}\n", env!("CARGO_PKG_VERSION"))),
        Command::Run(opts) => opts,
    };
    if let Some(request) = &opts.request {
        return fetch::run(&opts, request, start);
    }
    let sources = if opts.sample || (opts.inputs.is_empty() && io::stdin().is_terminal()) {
        report(SAMPLE_NOTICE);
        // The sample is a tour: show its keep-alive comment too.
        opts.comments = true;
        vec![Source::sample()]
    } else {
        Source::open_all(&opts.inputs)?
    };
    let sink = Sink::new(BufWriter::new(io::stdout().lock()), &opts, start);
    let interrupted = if opts.timing { catch_interrupt() } else { None };
    let mut session = Session { parser: parser(&opts), sink, interrupted };
    let mut buf = vec![0; CHUNK_SIZE];
    for mut source in sources {
        if !session.pump(&mut source, &mut buf)? {
            break;
        }
    }
    session.finish()
}

/// With `--timing`, the summary is the point, so the first Ctrl-C does not
/// kill ssekit: `curl -N URL | ssekit --timing` and Ctrl-C stops curl
/// (the same terminal's process group), whose end of output ends the
/// input, and the summary is printed. The returned flag says a Ctrl-C
/// came; reading stops at the next chunk. A second Ctrl-C exits at once
/// (for a producer that goes on). The handler is set up on a thread of its
/// own, so reading does not wait for it (a Ctrl-C in the first
/// milliseconds kills as usual, as it does if no handler can be set up).
fn catch_interrupt() -> Option<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&flag);
    let watch = move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_io().build() else {
            return;
        };
        runtime.block_on(async {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            seen.store(true, Ordering::SeqCst);
            let _ = tokio::signal::ctrl_c().await;
            std::process::exit(EXIT_INTERRUPTED.into());
        });
    };
    std::thread::Builder::new().name("ctrl-c".to_owned()).spawn(watch).ok()?;
    Some(flag)
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
    if opts.data_only {
        return Format::DataOnly;
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

/// Where parsed items go: the `--type` filter, the `--timing` clock, the
/// printer, and the counts for the end-of-input line. Shared by every way
/// of getting a stream (inputs, or a URL).
#[derive(Debug)]
struct Sink<W: Write> {
    printer: Printer<W>,
    /// With `--timing --data-only`: the timing lines, on stderr, so that
    /// stdout stays bare data.
    side: Option<Printer<io::Stderr>>,
    /// `--type`: the event types to keep (all if empty).
    types: Vec<String>,
    /// `--timing`.
    timing: Option<Timing>,
    /// Events printed so far.
    events: u64,
    /// Events `--type` left out so far.
    skipped: u64,
    /// Events dropped by errors so far.
    dropped: u64,
}

impl<W: Write> Sink<W> {
    /// A sink printing to `out` as the options ask; `--timing` counts from
    /// `start`.
    fn new(out: W, opts: &Options, start: Instant) -> Self {
        let format = format(opts);
        let side = (opts.timing && format == Format::DataOnly)
            .then(|| Printer::new(io::stderr(), Format::Human { color: false }));
        Self {
            printer: Printer::new(out, format),
            side,
            types: opts.types.clone(),
            timing: opts.timing.then(|| Timing::new(start, opts.request.is_none())),
            events: 0,
            skipped: 0,
            dropped: 0,
        }
    }

    /// `len` bytes of input arrived at `at`.
    fn bytes(&mut self, len: usize, at: Instant) {
        if let Some(timing) = &mut self.timing {
            timing.bytes(len, at);
        }
    }

    /// Prints an item that the input read at `at` completed.
    fn item(&mut self, item: Item, at: Instant) -> io::Result<()> {
        match item {
            Item::Event(event) => {
                let wanted = self.types.is_empty()
                    || self.types.iter().any(|name| name == event.event_type().as_str());
                if !wanted {
                    self.skipped += 1;
                    return Ok(());
                }
                let stamp = self.timing.as_mut().map(|timing| timing.event(at));
                match (&mut self.side, stamp) {
                    (Some(side), Some(stamp)) => {
                        self.printer.event(&event, None)?;
                        // The data line first, so that both streams are
                        // as current as each other when a reader looks.
                        self.printer.flush()?;
                        side.event_stamp(&event, stamp)?;
                    }
                    _ => self.printer.event(&event, stamp)?,
                }
                self.events += 1;
            }
            Item::Retry(ms) => self.printer.retry(ms)?,
            Item::Comment(text) => self.printer.comment(text.as_str())?,
            _ => {}
        }
        Ok(())
    }

    /// The response to a URL opened the stream at `at` (`--timing` counts
    /// its time to first byte from there).
    fn opened(&mut self, at: Instant) {
        if let Some(timing) = &mut self.timing {
            timing.first_byte(at);
        }
    }

    /// Prints a connection event: its own JSON object, or a line on stderr.
    fn notice(&mut self, notice: &output::Notice) -> io::Result<()> {
        if self.printer.format() == Format::Json {
            return self.printer.notice(notice);
        }
        self.printer.flush()?;
        report(&notice.text);
        Ok(())
    }

    /// Reports a dropped event on stderr, after what was printed before it.
    fn warn(&mut self, err: &ssekit::Error) -> io::Result<()> {
        self.printer.flush()?;
        self.dropped += 1;
        report(&format!("warning: {err}; event dropped"));
        Ok(())
    }

    /// Pushes everything printed so far to the output.
    fn flush(&mut self) -> io::Result<()> {
        self.printer.flush()
    }

    /// Ends the stream at `at`: the `--timing` summary, then the
    /// end-of-input line. Returns how many events were dropped.
    fn end(mut self, last_event_id: &str, retry: Option<u64>, at: Instant) -> io::Result<u64> {
        let summary = Summary {
            last_event_id,
            retry,
            events: self.events,
            dropped: self.dropped,
            skipped: self.skipped,
        };
        let report = self.timing.as_ref().map(|timing| timing.report(at));
        match (&report, &mut self.side) {
            (Some(report), Some(side)) => side.timing(report)?,
            (Some(report), None) if matches!(self.printer.format(), Format::Json) => {
                // Before the end-of-input line, which stays the last line.
                self.printer.timing(report)?;
            }
            _ => {}
        }
        self.printer.end(&summary)?;
        if let (Some(report), None, Format::Human { .. }) =
            (&report, &self.side, self.printer.format())
        {
            self.printer.timing(report)?;
        }
        self.printer.flush()?;
        Ok(self.dropped)
    }
}

/// One stream read from the inputs, parsed and printed.
#[derive(Debug)]
struct Session<W: Write> {
    parser: Parser,
    sink: Sink<W>,
    /// Set when Ctrl-C came (see [`catch_interrupt`]).
    interrupted: Option<Arc<AtomicBool>>,
}

impl<W: Write> Session<W> {
    /// Whether Ctrl-C came.
    fn interrupted(&self) -> bool {
        self.interrupted.as_ref().is_some_and(|flag| flag.load(Ordering::SeqCst))
    }

    /// Feeds one input to the parser chunk by chunk as it arrives, printing
    /// what each chunk completes before waiting for the next. Returns
    /// whether to go on with the next input (not after Ctrl-C).
    fn pump(&mut self, source: &mut Source, buf: &mut [u8]) -> Result<bool, Failure> {
        loop {
            if self.interrupted() {
                return Ok(false);
            }
            let len = match source.read_chunk(buf) {
                Ok(0) => return Ok(true),
                Ok(len) => len,
                Err(error) => return Err(Failure::Read { name: source.name.clone(), error }),
            };
            let at = Instant::now();
            self.sink.bytes(len, at);
            self.parser.feed(&buf[..len]);
            self.drain(at)?;
        }
    }

    /// Prints every item the input fed so far completes, then flushes.
    fn drain(&mut self, at: Instant) -> io::Result<()> {
        while let Some(item) = self.parser.next_item() {
            match item {
                Ok(item) => self.sink.item(item, at)?,
                Err(err) => self.sink.warn(&err)?,
            }
        }
        self.sink.flush()
    }

    /// Ends the stream: prints what is left, then the end-of-input line.
    fn finish(mut self) -> Result<ExitCode, Failure> {
        self.parser.finish();
        let at = Instant::now();
        self.drain(at)?;
        let interrupted = self.interrupted();
        let dropped =
            self.sink.end(self.parser.last_event_id().as_str(), self.parser.retry(), at)?;
        Ok(if interrupted {
            ExitCode::from(EXIT_INTERRUPTED)
        } else if dropped > 0 {
            ExitCode::from(EXIT_DROPPED)
        } else {
            ExitCode::SUCCESS
        })
    }
}
