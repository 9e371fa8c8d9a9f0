//! ssekit against a real server, over real loopback TCP connections.
//!
//! * axum's own SSE encoder (`axum::response::sse`, which nobody here wrote)
//!   read with reqwest through `ssekit::stream::EventStream`, through
//!   `tokio_util`'s `FramedRead` with `ssekit::codec::SseCodec`, and with
//!   the blocking `ssekit::io::EventReader` over a hand-written HTTP/1.0
//!   request; every item is checked, and so are the exact bytes axum wrote;
//! * our `ssekit::Encoder`'s output (and a hand-written CRLF stream) sent
//!   through axum as a raw body in chunks that split the BOM, UTF-8 sequences
//!   and CRLF pairs, with pauses so that they are separate TCP reads;
//! * liveness: an event reaches the client while the server is still
//!   blocked, both with LF (axum) and with lone-CR line ends.
//!
//! How axum 0.8 encodes (checked byte for byte in `axum_writes_what_the_notes_say`):
//!
//! * every field as `name: value\n`, with the separator space always
//!   written, so a value starting with a space keeps it (`data:  x`);
//! * a comment as `: text\n` (so the parser reports `" text"`, space
//!   included); `KeepAlive`'s default is a bare `:\n\n`;
//! * data is split at *every* CR and at every LF, and each break is kept as
//!   the line terminator: `"a\rb"` is written `data: a\rdata: b\n`, which
//!   decodes back to `"a\nb"`; but `"a\r\nb"` becomes
//!   `data: a\rdata: \ndata: b\n`, which any conforming parser (a browser
//!   too) decodes as `"a\n\nb"`: axum 0.8.9 turns a CRLF inside data into
//!   two line breaks (fixed upstream by tokio-rs/axum#3870, "Treat CRLF as a
//!   single SSE line ending"; when `Cargo.lock` moves to a release with it,
//!   the CRLF case below must change to `"crlf\nsplit"`);
//! * `.data("")` writes no `data` line at all, so the event is never
//!   dispatched: axum cannot send an event with empty data;
//! * `.id("")` writes `id: \n`, which resets the last event ID;
//! * `retry` is written in whole milliseconds (sub-millisecond parts are
//!   dropped);
//! * fields are written in the order the builder methods were called, and
//!   every `Event` is one body frame ending in a blank line.

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use ssekit::codec::SseCodec;
use ssekit::io::EventReader;
use ssekit::stream::EventStream;
use ssekit::{Encoder, Event, Item, Parser};
use ssekit_interop::{client, serve};
use std::convert::Infallible;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio_util::codec::FramedRead;
use tokio_util::io::StreamReader;

/// No single step of a test may take longer than this (so a failure cannot
/// hang the run).
const TIMEOUT: Duration = Duration::from_secs(10);

/// The pause between the chunks of a hand-chunked body.
const PAUSE: Duration = Duration::from_millis(2);

/// One event as axum's handler sends it, the bytes axum writes for it, and
/// the items ssekit must parse from them.
struct Case {
    sent: sse::Event,
    wire: String,
    items: Vec<Item>,
}

fn case(sent: sse::Event, wire: impl Into<String>, items: Vec<Item>) -> Case {
    Case { sent, wire: wire.into(), items }
}

fn event(event_type: &str, data: &str, id: &str) -> Item {
    Item::Event(Event::new(event_type, data, id))
}

fn comment(text: &str) -> Item {
    Item::Comment(text.into())
}

/// A long single-line value: ~180 KB of two- and four-byte UTF-8, so the
/// network splits it (and its characters) across many reads.
fn big_line() -> String {
    "é🦀".repeat(30_000)
}

/// A long multi-line value (~130 KB in 2,000 lines).
fn big_lines() -> String {
    (0..2_000).map(|i| format!("line {i}: ü {}", "x".repeat(55))).collect::<Vec<_>>().join("\n")
}

/// What the `/axum` handler sends, in order. The comments say what each
/// case checks; ids carry over from case to case as the last event ID.
fn cases() -> Vec<Case> {
    let unicode = "héllo wörld — 你好 — 🎉🦀 — 👩‍👩‍👧";
    let big = big_line();
    let lines = big_lines();
    vec![
        // retry, and a comment as the leading space axum writes keeps it.
        case(
            sse::Event::default().retry(Duration::from_millis(2500)).comment("connected"),
            "retry: 2500\n: connected\n\n",
            vec![Item::Retry(2500), comment(" connected")],
        ),
        case(
            sse::Event::default().event("greeting").id("1").data("hello"),
            "event: greeting\nid: 1\ndata: hello\n\n",
            vec![event("greeting", "hello", "1")],
        ),
        // No type: "message"; no id: the last one carries over.
        case(
            sse::Event::default().data("no type, id carries over"),
            "data: no type, id carries over\n\n",
            vec![event("message", "no type, id carries over", "1")],
        ),
        // Multi-line data, an empty line inside it.
        case(
            sse::Event::default().event("multi").data("line 1\nline 2\n\nline 4"),
            "event: multi\ndata: line 1\ndata: line 2\ndata: \ndata: line 4\n\n",
            vec![event("multi", "line 1\nline 2\n\nline 4", "1")],
        ),
        // A trailing newline in data survives (as a last, empty data line).
        case(
            sse::Event::default().data("ends with a newline\n"),
            "data: ends with a newline\ndata: \n\n",
            vec![event("message", "ends with a newline\n", "1")],
        ),
        // A lone CR in data: axum keeps it as the line end.
        case(
            sse::Event::default().data("cr\rsplit"),
            "data: cr\rdata: split\n\n",
            vec![event("message", "cr\nsplit", "1")],
        ),
        // A CRLF in data: axum 0.8.9 splits at the CR *and* at the LF, so
        // the stream really says two line breaks (axum's encoding, not ours;
        // see the notes at the top).
        case(
            sse::Event::default().data("crlf\r\nsplit"),
            "data: crlf\rdata: \ndata: split\n\n",
            vec![event("message", "crlf\n\nsplit", "1")],
        ),
        // Unicode in type, id and data: two-, three- and four-byte
        // sequences, a ZWJ emoji sequence.
        case(
            sse::Event::default().event("ünïcödé").id("ид-2").data(unicode),
            format!("event: ünïcödé\nid: ид-2\ndata: {unicode}\n\n"),
            vec![event("ünïcödé", unicode, "ид-2")],
        ),
        // Leading whitespace in data is kept: axum writes `data:  x`.
        case(
            sse::Event::default().data(" leading space"),
            "data:  leading space\n\n",
            vec![event("message", " leading space", "ид-2")],
        ),
        case(
            sse::Event::default().data("\ttab"),
            "data: \ttab\n\n",
            vec![event("message", "\ttab", "ид-2")],
        ),
        // Data that looks like fields or comments stays data.
        case(
            sse::Event::default().data("event: forged\n: not a comment\nid: 666"),
            "data: event: forged\ndata: : not a comment\ndata: id: 666\n\n",
            vec![event("message", "event: forged\n: not a comment\nid: 666", "ид-2")],
        ),
        // `.data("")` writes no data line: no event is dispatched, and the
        // event type does not leak into the next event.
        case(sse::Event::default().event("empty").data(""), "event: empty\n\n", vec![]),
        // The closest axum gets to empty data: one line break.
        case(
            sse::Event::default().data("\n"),
            "data: \ndata: \n\n",
            vec![event("message", "\n", "ид-2")],
        ),
        // An id changed back to empty.
        case(
            sse::Event::default().event("reset").id("").data("id cleared"),
            "event: reset\nid: \ndata: id cleared\n\n",
            vec![event("reset", "id cleared", "")],
        ),
        // An id in a block without data: no event, but the id counts.
        case(
            sse::Event::default().id("5").comment("id without data"),
            "id: 5\n: id without data\n\n",
            vec![comment(" id without data")],
        ),
        case(
            sse::Event::default().data("after a data-less id"),
            "data: after a data-less id\n\n",
            vec![event("message", "after a data-less id", "5")],
        ),
        // Field order: the type may come after the data.
        case(
            sse::Event::default().data("type comes last").event("late"),
            "data: type comes last\nevent: late\n\n",
            vec![event("late", "type comes last", "5")],
        ),
        // Everything at once: items come out in stream order, the retry
        // and comments before the event their block dispatches.
        case(
            sse::Event::default()
                .event("all")
                .id("42")
                .retry(Duration::from_millis(1005))
                .comment("c1")
                .comment("")
                .data("{\"text\":\"Hi\"}"),
            "event: all\nid: 42\nretry: 1005\n: c1\n: \ndata: {\"text\":\"Hi\"}\n\n",
            vec![
                Item::Retry(1005),
                comment(" c1"),
                comment(" "),
                event("all", "{\"text\":\"Hi\"}", "42"),
            ],
        ),
        case(
            sse::Event::default().retry(Duration::from_secs(3)),
            "retry: 3000\n\n",
            vec![Item::Retry(3000)],
        ),
        // axum's default keep-alive: an empty comment.
        case(sse::Event::DEFAULT_KEEP_ALIVE, ":\n\n", vec![comment("")]),
        case(
            sse::Event::default().event("big").data(&big),
            format!("event: big\ndata: {big}\n\n"),
            vec![event("big", &big, "42")],
        ),
        case(
            sse::Event::default().event("lines").data(&lines),
            format!("event: lines\ndata: {}\n\n", lines.replace('\n', "\ndata: ")),
            vec![event("lines", &lines, "42")],
        ),
        // Sub-millisecond parts of a retry are dropped.
        case(
            sse::Event::default().retry(Duration::from_micros(2500)).event("done").data("bye"),
            "retry: 2\nevent: done\ndata: bye\n\n",
            vec![Item::Retry(2), event("done", "bye", "42")],
        ),
    ]
}

fn expected_items() -> Vec<Item> {
    cases().into_iter().flat_map(|case| case.items).collect()
}

/// The `/axum` handler: [`cases`] through axum's `Sse`, then the end.
async fn axum_events() -> impl IntoResponse {
    let events = cases().into_iter().map(|case| Ok::<_, Infallible>(case.sent));
    Sse::new(futures_util::stream::iter(events))
}

/// A parser that reports comments too.
fn parser() -> Parser {
    Parser::builder().emit_comments(true).build()
}

/// Compares item lists with readable messages (some data is 180 KB).
fn assert_items(got: &[Item], want: &[Item]) {
    fn short(item: &Item) -> String {
        let text = format!("{item:?}");
        if text.len() > 200 {
            format!("{}… ({} bytes)", text.chars().take(120).collect::<String>(), text.len())
        } else {
            text
        }
    }
    for (i, (got, want)) in got.iter().zip(want).enumerate() {
        assert!(got == want, "item {i}:\n got: {}\nwant: {}", short(got), short(want));
    }
    assert_eq!(
        got.len(),
        want.len(),
        "item count differs; got {:#?}",
        got.iter().map(short).collect::<Vec<_>>()
    );
}

async fn get_ok(addr: SocketAddr, path: &str) -> reqwest::Response {
    let response =
        tokio::time::timeout(TIMEOUT, client().get(format!("http://{addr}{path}")).send())
            .await
            .expect("response in time")
            .expect("a response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/event-stream");
    response
}

/// Reads all items of an [`EventStream`], failing on any error.
async fn collect<S, E>(mut events: EventStream<S>) -> (Vec<Item>, Parser)
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Debug,
{
    let mut items = Vec::new();
    tokio::time::timeout(TIMEOUT, async {
        while let Some(item) = events.next().await {
            items.push(item.expect("no transport or parse error"));
        }
    })
    .await
    .expect("the stream ends in time");
    (items, events.into_parts().1)
}

/// The whole app of the non-liveness tests.
fn app() -> Router {
    Router::new()
        .route("/axum", get(axum_events))
        .route("/encoded", get(|| async { chunked_body(encoded_body().0, &encoded_cuts()) }))
        .route("/crlf", get(|| async { chunked_body(crlf_body().0.into(), &crlf_cuts()) }))
}

// ---------------------------------------------------------------------------
// 1a. axum's encoder → reqwest → EventStream

#[tokio::test]
async fn axum_sse_through_event_stream() {
    let addr = serve(app()).await.unwrap();
    let response = get_ok(addr, "/axum").await;
    let (items, parser) =
        collect(EventStream::with_parser(Box::pin(response.bytes_stream()), parser())).await;
    assert_items(&items, &expected_items());
    assert_eq!(parser.last_event_id(), "42");
    assert_eq!(parser.retry(), Some(2));
}

/// The notes at the top of this file, checked: axum's exact bytes.
#[tokio::test]
async fn axum_writes_what_the_notes_say() {
    let addr = serve(app()).await.unwrap();
    let body = get_ok(addr, "/axum").await.bytes().await.unwrap();
    let mut at = 0;
    for (i, case) in cases().iter().enumerate() {
        let wire = case.wire.as_bytes();
        let got = body.get(at..at + wire.len()).unwrap_or(&body[at..]);
        assert!(
            got == wire,
            "case {i}: axum wrote {:?}, the note says {:?}",
            String::from_utf8_lossy(&got[..got.len().min(200)]),
            &case.wire[..case.wire.len().min(200)]
        );
        at += wire.len();
    }
    assert_eq!(at, body.len(), "trailing bytes");
    // The same bytes fed in one piece parse to the same items.
    let mut parser = parser();
    parser.feed(&body);
    parser.finish();
    assert_items(&parser.items().collect::<Result<Vec<_>, _>>().unwrap(), &expected_items());
}

// ---------------------------------------------------------------------------
// 1b. our encoder → axum raw body, chunked at the awkward places → EventStream

/// A raw `text/event-stream` body sent in the pieces `cuts` (byte offsets)
/// make, with a pause before each piece so they leave as separate writes.
fn chunked_body(body: Bytes, cuts: &[usize]) -> Response {
    let mut bounds = vec![0];
    bounds.extend(cuts.iter().copied().filter(|&at| at > 0 && at < body.len()));
    bounds.push(body.len());
    bounds.sort_unstable();
    bounds.dedup();
    let pieces: Vec<Bytes> = bounds.windows(2).map(|w| body.slice(w[0]..w[1])).collect();
    let stream = futures_util::stream::iter(pieces).then(|piece| async move {
        tokio::time::sleep(PAUSE).await;
        Ok::<_, Infallible>(piece)
    });
    ([(header::CONTENT_TYPE, "text/event-stream")], Body::from_stream(stream)).into_response()
}

/// The items we encode (what goes in) and what the parser must give back:
/// data line ends normalised to LF, a multi-line comment as one comment per
/// line.
fn encoded_items() -> (Vec<Item>, Vec<Item>) {
    let sent = vec![
        comment(" written by ssekit::Encoder"),
        Item::Retry(1234),
        event("first", "hello", "1"),
        event("message", "multi\nline\n\ndata", "1"),
        event("crlf", "crlf\r\ninside\rand a lone cr\n", "2"),
        event("ünïcödé", "é — 你好 — 🎉🦀 — 👩‍👩‍👧 — \u{10FFFF}", "ид-3"),
        event("empty", "", "ид-3"),
        event("message", " leading space", ""),
        event("message", "\n", ""),
        comment(" two\nlines"),
        event("big", &"é🦀".repeat(5_000), "4"),
        event("done", "bye", "4"),
    ];
    let received = sent
        .iter()
        .flat_map(|item| match item {
            Item::Event(e) => {
                let data = e.data().replace("\r\n", "\n").replace('\r', "\n");
                vec![event(e.event_type(), &data, e.id())]
            }
            Item::Comment(text) => text.lines().map(comment).collect(),
            item => vec![item.clone()],
        })
        .collect();
    (sent, received)
}

/// A BOM, then [`encoded_items`] written by [`Encoder`]; and the offset
/// where the big event starts.
fn encoded_body() -> (Bytes, usize) {
    let mut out = BytesMut::from(&b"\xEF\xBB\xBF"[..]);
    let mut encoder = Encoder::new();
    let mut big_at = 0;
    for item in encoded_items().0 {
        match item {
            Item::Event(e) => {
                if e.event_type() == "big" {
                    big_at = out.len();
                }
                encoder.event(&mut out, &e).unwrap();
            }
            Item::Retry(ms) => encoder.retry(&mut out, ms),
            Item::Comment(text) => encoder.comment(&mut out, &text),
            item => unreachable!("{item:?}"),
        }
    }
    (out.freeze(), big_at)
}

/// Offsets that split every multi-byte UTF-8 sequence of `body[from..to]`
/// (after each of its lead and continuation bytes but the last).
fn utf8_cuts(body: &[u8], from: usize, to: usize) -> Vec<usize> {
    (from..to.min(body.len()))
        .filter(|&at| at > 0 && body[at] & 0xC0 == 0x80) // `at` is a continuation byte
        .collect()
}

/// Where [`encoded_body`] is cut: inside the BOM (`EF|BB|BF`), inside every
/// multi-byte character before the big event, and every 7,001 bytes in it.
fn encoded_cuts() -> Vec<usize> {
    let (body, big_at) = encoded_body();
    let mut cuts = vec![1, 2];
    cuts.extend(utf8_cuts(&body, 3, big_at));
    cuts.extend((big_at..body.len()).step_by(7_001));
    cuts
}

#[tokio::test]
async fn our_encoder_through_axum_split_everywhere() {
    let (body, _) = encoded_body();
    let cuts = encoded_cuts();
    assert!(cuts.len() > 40, "{} cuts", cuts.len());
    let addr = serve(app()).await.unwrap();
    let response = get_ok(addr, "/encoded").await;
    let (items, ends) = collect_recording_chunks(response).await;
    assert_items(&items, &encoded_items().1);
    assert_splits_arrived(&cuts, &ends, &body);
}

/// Parses a response with [`EventStream`], recording where each chunk the
/// client received ended (as a stream offset).
async fn collect_recording_chunks(response: reqwest::Response) -> (Vec<Item>, Vec<usize>) {
    let ends = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::clone(&ends);
    let mut total = 0;
    let chunks = response.bytes_stream().inspect(move |chunk| {
        if let Ok(chunk) = chunk {
            total += chunk.len();
            recorder.lock().unwrap().push(total);
        }
    });
    let (items, _) = collect(EventStream::with_parser(Box::pin(chunks), parser())).await;
    let ends = ends.lock().unwrap().clone();
    (items, ends)
}

/// The client really received the pieces split where the server split them
/// (chunked transfer encoding keeps the boundaries), so the parser did see
/// a BOM, characters and CRLFs in two pieces.
fn assert_splits_arrived(cuts: &[usize], ends: &[usize], body: &[u8]) {
    assert_eq!(ends.last(), Some(&body.len()));
    for &cut in cuts.iter().filter(|&&cut| cut < body.len()) {
        assert!(ends.contains(&cut), "no chunk ended at {cut}; chunk ends: {ends:?}");
    }
}

/// A hand-written stream with CRLF and lone-CR line ends (our encoder only
/// writes LF), and the items it holds.
fn crlf_body() -> (&'static str, Vec<Item>) {
    let body = concat!(
        "\u{FEFF}: crlf stream\r\n",
        "retry: 500\r\n",
        "event: crlf\r\n",
        "id: 7\r\n",
        "data: first line\r\n",
        "data: second line — ü 🦀\r\n",
        "\r\n",
        "data: a lone CR ends lines too\r",
        "data: still the same event\r",
        "\r",
        "data:no space after the colon\r\n",
        "data:  two spaces keep one\r\n",
        "\r\n",
        "id\r\n",
        "data: a bare id line resets the id\n",
        "\r\n",
        "event: end\r\n",
        "data: last\r\n",
        "\r\n",
    );
    let items = vec![
        comment(" crlf stream"),
        Item::Retry(500),
        event("crlf", "first line\nsecond line — ü 🦀", "7"),
        event("message", "a lone CR ends lines too\nstill the same event", "7"),
        event("message", "no space after the colon\n two spaces keep one", "7"),
        event("message", "a bare id line resets the id", ""),
        event("end", "last", ""),
    ];
    (body, items)
}

/// Where [`crlf_body`] is cut: inside the BOM, between every CR and LF,
/// after every lone CR, and inside every multi-byte character.
fn crlf_cuts() -> Vec<usize> {
    let body = crlf_body().0.as_bytes();
    let mut cuts = vec![1, 2];
    cuts.extend((0..body.len()).filter(|&at| body[at] == b'\r').map(|at| at + 1));
    cuts.extend(utf8_cuts(body, 3, body.len()));
    cuts
}

#[tokio::test]
async fn hand_written_crlf_stream_split_everywhere() {
    let (body, want) = crlf_body();
    let cuts = crlf_cuts();
    let addr = serve(app()).await.unwrap();
    let response = get_ok(addr, "/crlf").await;
    let (items, ends) = collect_recording_chunks(response).await;
    assert_items(&items, &want);
    assert_splits_arrived(&cuts, &ends, body.as_bytes());
    // The CRLF pairs really were split.
    assert!(cuts
        .iter()
        .any(|&at| body.as_bytes()[at - 1] == b'\r' && body.as_bytes()[at] == b'\n'));
}

// ---------------------------------------------------------------------------
// 1c. Liveness: an event is delivered while the server is still blocked.

type Release = Arc<Mutex<Option<oneshot::Receiver<()>>>>;

/// Waits for the next item, with a timeout that names what was expected.
async fn next_item<S, E>(events: &mut EventStream<S>, what: &str) -> Option<Item>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Debug,
{
    tokio::time::timeout(TIMEOUT, events.next())
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
        .map(|item| item.expect("no error"))
}

#[tokio::test]
async fn event_arrives_before_the_server_is_released() {
    // axum's Sse: one event, then the stream waits for `release`; meanwhile
    // axum's keep-alive sends a comment every 20 ms.
    async fn handler(State(release): State<Release>) -> impl IntoResponse {
        let release = release.lock().unwrap().take().expect("one request");
        let first = futures_util::stream::once(async {
            sse::Event::default().event("first").id("1").data("sent before waiting")
        });
        let second = futures_util::stream::once(async move {
            release.await.expect("released");
            sse::Event::default().event("second").data("sent after release")
        });
        Sse::new(first.chain(second).map(Ok::<_, Infallible>))
            .keep_alive(KeepAlive::new().interval(Duration::from_millis(20)).text("still here"))
    }
    let (release, wait) = oneshot::channel();
    let app = Router::new().route("/", get(handler)).with_state(Arc::new(Mutex::new(Some(wait))));
    let addr = serve(app).await.unwrap();
    let response = get_ok(addr, "/").await;
    let mut events = EventStream::with_parser(Box::pin(response.bytes_stream()), parser());

    assert_eq!(
        next_item(&mut events, "the first event").await,
        Some(event("first", "sent before waiting", "1"))
    );
    // While the handler waits, keep-alives (`: still here`) keep coming.
    assert_eq!(next_item(&mut events, "a keep-alive").await, Some(comment(" still here")));
    release.send(()).unwrap();
    loop {
        match next_item(&mut events, "the second event").await {
            Some(Item::Comment(text)) => assert_eq!(text, " still here"),
            Some(item) => {
                assert_eq!(item, event("second", "sent after release", "1"));
                break;
            }
            None => panic!("the stream ended before the second event"),
        }
    }
    assert_eq!(next_item(&mut events, "the end").await, None);
}

#[tokio::test]
async fn lone_cr_dispatches_without_waiting_for_the_next_byte() {
    // A raw body with lone-CR line ends: the event's blank line is a CR
    // that may yet be followed by an LF (which the next chunk does start
    // with). The parser must dispatch at the CR, not wait for that byte.
    async fn handler(State(release): State<Release>) -> impl IntoResponse {
        let release = release.lock().unwrap().take().expect("one request");
        let first = futures_util::stream::once(async { Bytes::from("data: first\r\r") });
        let second = futures_util::stream::once(async move {
            release.await.expect("released");
            Bytes::from("\ndata: second\r\n\r\n")
        });
        (
            [(header::CONTENT_TYPE, "text/event-stream")],
            Body::from_stream(first.chain(second).map(Ok::<_, Infallible>)),
        )
    }
    let (release, wait) = oneshot::channel();
    let app = Router::new().route("/", get(handler)).with_state(Arc::new(Mutex::new(Some(wait))));
    let addr = serve(app).await.unwrap();
    let response = get_ok(addr, "/").await;
    let mut events = EventStream::with_parser(Box::pin(response.bytes_stream()), parser());
    assert_eq!(
        next_item(&mut events, "the first event").await,
        Some(event("message", "first", ""))
    );
    release.send(()).unwrap();
    // The LF that starts the next chunk completes the CRLF: no extra line.
    assert_eq!(
        next_item(&mut events, "the second event").await,
        Some(event("message", "second", ""))
    );
    assert_eq!(next_item(&mut events, "the end").await, None);
}

// ---------------------------------------------------------------------------
// 1d. tokio codec: FramedRead + SseCodec over the response body

#[tokio::test]
async fn axum_sse_through_tokio_codec() {
    let addr = serve(app()).await.unwrap();
    for (path, want) in [("/axum", expected_items()), ("/crlf", crlf_body().1)] {
        let response = get_ok(addr, path).await;
        let body = response.bytes_stream().map(|chunk| chunk.map_err(std::io::Error::other));
        let mut frames =
            FramedRead::new(StreamReader::new(Box::pin(body)), SseCodec::with_parser(parser()));
        let mut items = Vec::new();
        tokio::time::timeout(TIMEOUT, async {
            while let Some(item) = frames.next().await {
                items.push(item.expect("no IO error").expect("no parse error"));
            }
        })
        .await
        .expect("the stream ends in time");
        assert_items(&items, &want);
    }
}

// ---------------------------------------------------------------------------
// 1e. Blocking: EventReader over a plain TcpStream

/// GETs `path` with a hand-written HTTP/1.0 request (so hyper answers with
/// a raw body delimited by closing the connection, not a chunked one), skips
/// the response head and reads the body with [`EventReader`].
fn blocking_get(addr: SocketAddr, path: &str) -> std::io::Result<(String, Vec<Item>)> {
    let mut tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(TIMEOUT))?;
    write!(
        tcp,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n"
    )?;
    let mut reader = BufReader::new(tcp);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    // The BufReader may hold the start of the body: read through it.
    let items = EventReader::with_parser(reader, parser()).collect::<std::io::Result<_>>()?;
    Ok((head, items))
}

#[tokio::test]
async fn axum_sse_through_blocking_event_reader() {
    let addr = serve(app()).await.unwrap();
    for (path, want) in
        [("/axum", expected_items()), ("/crlf", crlf_body().1), ("/encoded", encoded_items().1)]
    {
        let (head, items) = tokio::task::spawn_blocking(move || blocking_get(addr, path))
            .await
            .unwrap()
            .expect("the blocking read succeeds");
        let head = head.to_ascii_lowercase();
        assert!(head.starts_with("http/1.") && head.contains(" 200 "), "{head}");
        assert!(head.contains("content-type: text/event-stream"), "{head}");
        assert!(!head.contains("transfer-encoding"), "the body must be raw: {head}");
        assert_items(&items, &want);
    }
}
