//! `ssekit`: parse a `text/event-stream` (Server-Sent Events) from files,
//! standard input or a URL and print each event the moment it is complete.
//!
//! A thin driver around [`ssekit::Parser`] and, for a URL,
//! `ssekit::client::EventSource`: all parsing and reconnecting is the
//! library's; this binary reads input in chunks, feeds it, and formats what
//! comes out (human-readable, the JSON lines described in `--help`, or bare
//! data). Run `ssekit --help` for usage and exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
