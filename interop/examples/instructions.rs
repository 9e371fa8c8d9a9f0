//! The client's cost per event, in machine instructions: nearly
//! deterministic, unlike wall-clock time on a shared machine.
//!
//! The `benches/client.rs` body (10,000 events, 64 per chunk), N times:
//! `parser` and `connection` feed it in memory to a bare `Parser` and to a
//! `Connection`; `event_stream` and `event_source` fetch it from an axum
//! server in the same process over 127.0.0.1 (one current-thread runtime)
//! with reqwest + `EventStream` and with `client::EventSource`. Run it under
//! callgrind for 1 and for 6 rounds and divide the difference by 50,000
//! events:
//!
//! ```text
//! cargo build --release --manifest-path interop/Cargo.toml --example instructions
//! for mode in parser connection event_stream event_source; do for n in 1 6; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     interop/target/release/examples/instructions $mode $n 2>&1 | grep Collected
//! done; done
//! ```

use axum::body::Body;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use futures_util::StreamExt;
use ssekit::client::EventSource;
use ssekit::connection::Output;
use ssekit::stream::EventStream;
use ssekit::{Connection, ConnectionBuilder, Item, Parser};
use std::hint::black_box;
use std::time::Duration;

/// Fetches the body `rounds` times over loopback; returns the events seen.
fn over_loopback(chunks: Vec<Bytes>, rounds: usize, source: bool) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    rt.block_on(async move {
        let app = Router::new().route(
            "/events",
            get(move || {
                let stream = futures_util::stream::iter(
                    chunks.clone().into_iter().map(Ok::<_, std::io::Error>),
                );
                async move {
                    ([(header::CONTENT_TYPE, "text/event-stream")], Body::from_stream(stream))
                        .into_response()
                }
            }),
        );
        let addr = ssekit_interop::serve(app).await.expect("a port");
        let url = format!("http://{addr}/events");
        let client = ssekit_interop::client();
        let mut config = ConnectionBuilder::new();
        config.reconnect_after_end(false);
        let mut total = 0;
        for _ in 0..rounds {
            if source {
                let mut source = EventSource::with_config(client.get(&url), &config, Parser::new())
                    .expect("a GET can be cloned");
                while let Some(item) = source.next().await {
                    if let Ok(Output::Event(event)) = item {
                        black_box(&event);
                        total += 1;
                    }
                }
            } else {
                let response = client.get(&url).send().await.expect("a response");
                let mut stream = EventStream::new(Box::pin(response.bytes_stream()));
                while let Some(item) = stream.next().await {
                    if let Ok(Item::Event(event)) = item {
                        black_box(&event);
                        total += 1;
                    }
                }
            }
        }
        total
    })
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(mode), Some(rounds)) = (args.next(), args.next().and_then(|n| n.parse().ok())) else {
        eprintln!("usage: instructions parser|connection ROUNDS");
        std::process::exit(2);
    };
    let events: Vec<String> = (0..10_000)
        .map(|n| format!("id: {n}\ndata: {{\"n\":{n},\"text\":\"hello\"}}\n\n"))
        .collect();
    let chunks: Vec<Bytes> = events.chunks(64).map(|chunk| Bytes::from(chunk.concat())).collect();
    let mut total = 0;
    if mode.starts_with("event_") {
        total = over_loopback(chunks.clone(), rounds, mode == "event_source");
    }
    for _ in 0..rounds {
        if mode.starts_with("event_") {
            break;
        } else if mode == "parser" {
            let mut parser = Parser::new();
            for chunk in &chunks {
                parser.feed_bytes(chunk.clone());
                while let Some(item) = parser.next_item() {
                    if let Ok(Item::Event(event)) = item {
                        black_box(&event);
                        total += 1;
                    }
                }
            }
        } else {
            let mut conn = Connection::new();
            let now = Duration::ZERO;
            let _ = conn.poll_request(now);
            conn.handle_response(now, 200, Some("text/event-stream"), None);
            for chunk in &chunks {
                conn.handle_body_bytes(now, chunk.clone());
                while let Some(item) = conn.poll_item() {
                    if let Output::Event(event) = item {
                        black_box(&event);
                        total += 1;
                    }
                }
            }
        }
    }
    assert_eq!(total, rounds * 10_000);
}
