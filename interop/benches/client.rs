//! The reconnecting client's cost per event over the bare stream adapter.
//!
//! An axum server on 127.0.0.1 sends one response of `EVENTS` small events
//! (prebuilt, in chunks of 64 events). Each iteration makes one request and
//! reads the whole body, either with reqwest + `ssekit::stream::EventStream`
//! (the bare adapter) or with `ssekit::client::EventSource` (the state
//! machine, its timers and its notices on top). The difference of the two
//! times per event is the client's overhead. Loopback timings are noisy on
//! a busy machine, so the `in_memory` group also compares the same body fed
//! to a bare `Parser` and to a `Connection` (the state machine alone, no IO).
//!
//! ```text
//! cargo bench --manifest-path interop/Cargo.toml --bench client
//! ```

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futures_util::StreamExt;
use ssekit::client::EventSource;
use ssekit::connection::Output;
use ssekit::stream::EventStream;
use ssekit::{ConnectionBuilder, Item, Parser};
use std::hint::black_box;

const EVENTS: usize = 10_000;

fn body() -> Vec<Bytes> {
    let events: Vec<String> = (0..EVENTS)
        .map(|n| format!("id: {n}\ndata: {{\"n\":{n},\"text\":\"hello\"}}\n\n"))
        .collect();
    events.chunks(64).map(|chunk| Bytes::from(chunk.concat())).collect()
}

fn bench(c: &mut Criterion) {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let chunks = body();
    let app = Router::new().route(
        "/events",
        get(move || {
            let chunks = chunks.clone();
            async move {
                let stream =
                    futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
                ([(header::CONTENT_TYPE, "text/event-stream")], Body::from_stream(stream))
                    .into_response()
            }
        }),
    );
    let addr = rt.block_on(ssekit_interop::serve(app)).unwrap();
    let url = format!("http://{addr}/events");
    let client = ssekit_interop::client();

    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.sample_size(30);
    group.bench_function("event_stream", |b| {
        b.iter(|| {
            rt.block_on(async {
                let response = client.get(&url).send().await.unwrap();
                let mut stream = EventStream::new(Box::pin(response.bytes_stream()));
                let mut n = 0;
                while let Some(item) = stream.next().await {
                    if let Ok(Item::Event(event)) = item {
                        black_box(&event);
                        n += 1;
                    }
                }
                assert_eq!(n, EVENTS);
            })
        })
    });
    let mut config = ConnectionBuilder::new();
    config.reconnect_after_end(false);
    group.bench_function("event_source", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut source =
                    EventSource::with_config(client.get(&url), &config, Parser::new()).unwrap();
                let mut n = 0;
                while let Some(item) = source.next().await {
                    if let Ok(Output::Event(event)) = item {
                        black_box(&event);
                        n += 1;
                    }
                }
                assert_eq!(n, EVENTS);
            })
        })
    });
    group.finish();

    let mut group = c.benchmark_group("in_memory");
    group.throughput(Throughput::Elements(EVENTS as u64));
    let chunks = body();
    group.bench_function("parser", |b| {
        b.iter(|| {
            let mut parser = Parser::new();
            let mut n = 0;
            for chunk in &chunks {
                parser.feed_bytes(chunk.clone());
                while let Some(item) = parser.next_item() {
                    if let Ok(Item::Event(event)) = item {
                        black_box(&event);
                        n += 1;
                    }
                }
            }
            assert_eq!(n, EVENTS);
        })
    });
    group.bench_function("connection", |b| {
        b.iter(|| {
            let mut conn = config.build();
            let now = std::time::Duration::ZERO;
            let _ = conn.poll_request(now).unwrap();
            conn.handle_response(now, 200, Some("text/event-stream"), None);
            let mut n = 0;
            for chunk in &chunks {
                conn.handle_body_bytes(now, chunk.clone());
                while let Some(item) = conn.poll_item() {
                    if let Output::Event(event) = item {
                        black_box(&event);
                        n += 1;
                    }
                }
            }
            assert_eq!(n, EVENTS);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
