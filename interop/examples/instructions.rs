//! The state machine's cost per event over a bare `Parser`, in machine
//! instructions: deterministic, unlike wall-clock time on a shared machine.
//!
//! Feeds the `benches/client.rs` body (10,000 events, 64 per chunk) N times
//! through a `Parser` or through a `Connection`; run it under callgrind for
//! 1 and for 6 rounds, and divide the difference by 50,000 events:
//!
//! ```text
//! cargo build --release --manifest-path interop/Cargo.toml --example instructions
//! for mode in parser connection; do for n in 1 6; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     interop/target/release/examples/instructions $mode $n 2>&1 | grep Collected
//! done; done
//! ```

use bytes::Bytes;
use ssekit::connection::Output;
use ssekit::{Connection, Item, Parser};
use std::hint::black_box;
use std::time::Duration;

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
    for _ in 0..rounds {
        if mode == "parser" {
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
