//! URL mode: fetch the stream with the crate's reconnecting client
//! ([`ssekit::client::EventSource`]) and print what it yields through the
//! same [`Sink`] as the other inputs.
//!
//! The client does the `EventSource` work (headers, `Last-Event-ID`,
//! reconnecting, refusing a wrong status or content type); this module
//! turns the command line into a request, its items into output, and its
//! last item into the exit status.

use core::future::Future;
use core::pin::Pin;
use core::task::Poll;
use std::io::{self, BufWriter, Read};
use std::process::ExitCode;
use std::time::Instant;

use futures_core::Stream;
use ssekit::client::{ClientError, EventSource};
use ssekit::connection::{CloseReason, Output, ReconnectReason};
use ssekit::{ConnectionBuilder, Item};

use super::args::{Body, Options, Request};
use super::output::{Field, Notice};
use super::{parser, Failure, Sink, EXIT_INTERRUPTED};

/// Exit status: the server refused the stream (status, content type).
const EXIT_REFUSED: u8 = 3;
/// Exit status: the connection failed and was not re-established.
const EXIT_LOST: u8 = 4;
/// How much of a refused response's body is shown (it usually says why).
const BODY_SHOWN: usize = 2048;
/// How long to wait for that body.
const BODY_WAIT: core::time::Duration = core::time::Duration::from_secs(1);

/// Fetches `request` and prints the stream; `--timing` counts from `start`.
pub(super) fn run(opts: &Options, request: &Request, start: Instant) -> Result<ExitCode, Failure> {
    let body = read_body(&request.body)?;
    // One TLS provider for the process: ring (see `cli` in Cargo.toml). An
    // error means one is installed already, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Setup(format!("cannot start the HTTP client: {error}")))?;
    runtime.block_on(fetch(opts, request, body, start))
}

/// The `-d` arguments, read and joined with `&` as curl does; `None`
/// without any.
fn read_body(parts: &[Body]) -> Result<Option<Vec<u8>>, Failure> {
    if parts.is_empty() {
        return Ok(None);
    }
    let mut body = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            body.push(b'&');
        }
        match part {
            Body::Text(text) => body.extend_from_slice(text.as_bytes()),
            Body::File(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|error| Failure::Read { name: path.display().to_string(), error })?;
                body.extend_from_slice(&bytes);
            }
            Body::Stdin => {
                io::stdin()
                    .lock()
                    .read_to_end(&mut body)
                    .map_err(|error| Failure::Read { name: "standard input".to_owned(), error })?;
            }
        }
    }
    Ok(Some(body))
}

/// The request the command line describes, curl's way: POST when there
/// is a body (unless `-X`), and a form Content-Type unless `-H` set one.
fn request_builder(
    request: &Request,
    body: Option<Vec<u8>>,
) -> Result<reqwest::RequestBuilder, Failure> {
    let client = reqwest::Client::builder()
        .build()
        .map_err(|error| Failure::Setup(format!("cannot start the HTTP client: {error}")))?;
    let method = request.method.as_deref().unwrap_or(if body.is_some() { "POST" } else { "GET" });
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| Failure::Usage(format!("invalid method '{method}' for -X")))?;
    let mut builder = client.request(method, &request.url);
    let mut content_type = false;
    for (name, value) in &request.headers {
        content_type |= name.eq_ignore_ascii_case("content-type");
        builder = builder.header(name, value);
    }
    if let Some(body) = body {
        if !content_type {
            builder = builder.header("content-type", "application/x-www-form-urlencoded");
        }
        builder = builder.body(body);
    }
    Ok(builder)
}

/// What one wait on the client gave.
enum Step {
    /// The client's next item, or its end.
    Item(Option<Result<Output, ClientError>>),
    /// Ctrl-C.
    Interrupted,
}

/// Runs the client until it closes (or Ctrl-C), printing as it goes.
async fn fetch(
    opts: &Options,
    request: &Request,
    body: Option<Vec<u8>>,
    start: Instant,
) -> Result<ExitCode, Failure> {
    let builder = request_builder(request, body)?;
    let mut connection = ConnectionBuilder::new();
    // Show valid retry fields as the other inputs do.
    connection.emit_retry(true);
    if !request.reconnect {
        connection.reconnect_after_end(false).max_retries(Some(0));
    }
    let mut source = EventSource::with_config(builder, &connection, parser(opts))
        .map_err(|error| Failure::Usage(error.to_string()))?;
    let mut sink = Sink::new(BufWriter::new(io::stdout().lock()), opts, start);
    let mut interrupt = Some(Box::pin(tokio::signal::ctrl_c()));
    // What the client said went wrong, for the reconnect or close notice
    // that follows it.
    let mut problem: Option<Problem> = None;
    let mut exit = None;
    while exit.is_none() {
        let step = core::future::poll_fn(|cx| {
            if let Some(signal) = interrupt.as_mut() {
                match signal.as_mut().poll(cx) {
                    Poll::Ready(Ok(())) => return Poll::Ready(Step::Interrupted),
                    // No handler could be installed: Ctrl-C just kills us.
                    Poll::Ready(Err(_)) => interrupt = None,
                    Poll::Pending => {}
                }
            }
            Pin::new(&mut source).poll_next(cx).map(Step::Item)
        })
        .await;
        let at = Instant::now();
        match step {
            Step::Interrupted => {
                source.close();
                let notice = notice("closed", vec![reason("interrupted")], "closed: interrupted");
                sink.notice(&notice)?;
                exit = Some(ExitCode::from(EXIT_INTERRUPTED));
            }
            Step::Item(None) => exit = Some(ExitCode::from(EXIT_LOST)),
            Step::Item(Some(Ok(output))) => match output {
                Output::Open => {
                    sink.opened(at);
                    sink.notice(&notice("open", Vec::new(), "connected"))?;
                }
                Output::Event(event) => sink.item(Item::Event(event), at)?,
                Output::Comment(text) => sink.item(Item::Comment(text), at)?,
                Output::Retry(ms) => sink.item(Item::Retry(ms), at)?,
                Output::ParseError(err) => sink.warn(&err)?,
                Output::Reconnecting { delay, reason, attempt } => {
                    let notice = reconnecting(delay, reason, attempt, problem.take());
                    sink.notice(&notice)?;
                }
                Output::Closed { reason } => {
                    let (notice, code) = closed(reason, problem.take()).await;
                    sink.notice(&notice)?;
                    exit = Some(ExitCode::from(code));
                }
                _ => {}
            },
            Step::Item(Some(Err(ClientError::Parse(err)))) => sink.warn(&err)?,
            Step::Item(Some(Err(err))) => problem = Some(Problem::from(err)),
        }
        sink.flush()?;
    }
    let parser = source.connection().parser();
    let dropped = sink.end(parser.last_event_id().as_str(), parser.retry(), Instant::now())?;
    Ok(match exit {
        Some(code) if code != ExitCode::SUCCESS => code,
        _ if dropped > 0 => ExitCode::from(super::EXIT_DROPPED),
        _ => ExitCode::SUCCESS,
    })
}

/// A problem the client reported before a reconnect or close notice.
enum Problem {
    /// A refused response, body unread.
    Response(Box<reqwest::Response>),
    /// Anything else, as text.
    Text(String),
}

impl From<ClientError> for Problem {
    fn from(err: ClientError) -> Self {
        match err {
            ClientError::Status(response) | ClientError::ContentType(response) => {
                Self::Response(response)
            }
            ClientError::Transport(error) => Self::Text(describe_transport(&error)),
            other => Self::Text(other.to_string()),
        }
    }
}

/// A transport error with its causes, e.g. `error sending request: client
/// error (Connect): tcp connect error: Connection refused`.
fn describe_transport(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// A notice of `kind` with these fields.
fn notice(kind: &'static str, fields: Vec<(&'static str, Field)>, text: &str) -> Notice {
    Notice { kind, fields, text: text.to_owned() }
}

/// The `"reason"` field.
fn reason(code: &str) -> (&'static str, Field) {
    ("reason", Field::Text(code.to_owned()))
}

/// `{"connection":"reconnecting",...}`: the wait, the attempt, and why.
fn reconnecting(
    delay: core::time::Duration,
    why: ReconnectReason,
    attempt: u32,
    problem: Option<Problem>,
) -> Notice {
    let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
    let mut fields =
        vec![("delay_ms", Field::Number(delay_ms)), ("attempt", Field::Number(attempt.into()))];
    let (code, mut text) = reconnect_reason(why, &mut fields);
    fields.insert(0, reason(code));
    if let Some(Problem::Text(error)) = problem {
        text = format!("{text}: {error}");
        fields.push(("error", Field::Text(error)));
    }
    Notice {
        kind: "reconnecting",
        fields,
        text: format!("reconnecting in {delay_ms} ms (attempt {attempt}): {text}"),
    }
}

/// The reason code and sentence of a reconnect, adding its own fields.
fn reconnect_reason(
    why: ReconnectReason,
    fields: &mut Vec<(&'static str, Field)>,
) -> (&'static str, String) {
    match why {
        ReconnectReason::Ended => ("ended", "the stream ended".to_owned()),
        ReconnectReason::NetworkError => ("network_error", "the connection failed".to_owned()),
        ReconnectReason::IdleTimeout => ("idle_timeout", "no byte arrived in time".to_owned()),
        ReconnectReason::Status(status) => {
            fields.push(("status", Field::Number(status.into())));
            ("status", format!("the server answered {status}"))
        }
        _ => ("other", format!("{why:?}")),
    }
}

/// `{"connection":"closed",...}` and the exit status it means. A refused
/// response's body is read (the first [`BODY_SHOWN`] bytes), as it usually
/// says what was wrong.
async fn closed(why: CloseReason, problem: Option<Problem>) -> (Notice, u8) {
    let mut fields = Vec::new();
    let (code, text, exit) = match why {
        CloseReason::Status(status) => {
            fields.push(("status", Field::Number(status.into())));
            ("status", format!("the server answered {status}"), EXIT_REFUSED)
        }
        CloseReason::ContentType => {
            ("content_type", "not an event stream".to_owned(), EXIT_REFUSED)
        }
        CloseReason::Ended => ("ended", "the stream ended (--no-reconnect)".to_owned(), 0),
        CloseReason::RetriesExhausted { attempts, last } => {
            fields.push(("attempts", Field::Number(attempts.into())));
            let mut ignored = Vec::new();
            let (last_code, last_text) = reconnect_reason(last, &mut ignored);
            fields.push(("last", Field::Text(last_code.to_owned())));
            let text = if attempts == 0 {
                format!("{last_text} (--no-reconnect)")
            } else {
                format!("gave up after {attempts} reconnection attempts: {last_text}")
            };
            ("retries_exhausted", text, EXIT_LOST)
        }
        CloseReason::Closed => ("closed", "the client closed".to_owned(), EXIT_LOST),
        _ => ("other", format!("{why:?}"), EXIT_LOST),
    };
    fields.insert(0, reason(code));
    let mut text = format!("closed: {text}");
    match problem {
        Some(Problem::Response(response)) => {
            if let Some(value) = response.headers().get("content-type") {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                text.push_str(&format!(", Content-Type {value}"));
                fields.push(("content_type", Field::Text(value)));
            }
            let body = first_bytes(*response).await;
            if !body.is_empty() {
                text.push_str(&format!(": {}", body.trim_end()));
                fields.push(("body", Field::Text(body)));
            }
        }
        Some(Problem::Text(error)) => {
            text.push_str(&format!(": {error}"));
            fields.push(("error", Field::Text(error)));
        }
        None => {}
    }
    (Notice { kind: "closed", fields, text }, exit)
}

/// Up to [`BODY_SHOWN`] bytes of a response body, as text (lossy): what
/// arrived within [`BODY_WAIT`], empty if nothing could be read.
async fn first_bytes(mut response: reqwest::Response) -> String {
    let mut body = Vec::new();
    let read = async {
        while body.len() < BODY_SHOWN {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
    };
    // A refused response that streams forever must not hold the exit up.
    let _ = tokio::time::timeout(BODY_WAIT, read).await;
    body.truncate(BODY_SHOWN);
    String::from_utf8_lossy(&body).into_owned()
}
