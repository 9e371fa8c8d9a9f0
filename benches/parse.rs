//! Criterion benches of ssekit's public API on the shared workloads.
//!
//! ```text
//! cargo bench --bench parse                      # everything, 16 MiB workloads
//! SSEKIT_BENCH_MIB=1 cargo bench --bench parse   # 1 MiB workloads (CI, smoke runs)
//! cargo bench --bench parse -- 'llm/'            # one group
//! cargo bench --bench parse -- 'linear/'         # the linear-time check
//! ```
//!
//! One group per workload (`llm`, `anthropic`, `big`, `multiline`, `tiny`;
//! see `benches/workloads/mod.rs`), each with `Throughput::Bytes`, holding,
//! for each feeding (`chunks`: sizes uniform in 1..=4096; `whole`: one
//! chunk; `1-byte`: one byte per chunk on a ~256 KiB prefix):
//!
//! * `<feeding>/feed`: `Parser::feed(&[u8])`;
//! * `<feeding>/feed_bytes`: `Parser::feed_bytes(Bytes)`, the chunks being
//!   views of one shared buffer made outside the timed region;
//! * `<feeding>/feed_ref`, `<feeding>/feed_bytes_ref`: the same, pulling
//!   borrowed events with `Parser::next_event_ref` instead of owned ones;
//! * `<feeding>/limit`: `memchr::memchr2(b'\n', b'\r', ..)` over the same
//!   chunks, counting line ends: a floor for any parser that looks at every
//!   line, so that each report shows the ratio to what is possible.
//!
//! Each parse pulls every event and reads it the way a client does: data, id
//! and event type as `&str` through the public accessors
//! (`Event::data().as_str()` and friends on owned events, `EventRef::data()`
//! and friends on borrowed ones), each string's pointer passed to
//! `black_box` and its length tallied, so the UTF-8 work of those accessors
//! is timed. The event count and data bytes read are asserted once per
//! selected bench, outside the timing.
//!
//! Group `linear`: one 1 MiB and one 4 MiB data line fed in 1-, 7- and
//! 4096-byte chunks, through both paths; time must grow ×4 from 1 to 4 MiB,
//! not ×16.

use bytes::Bytes;
use core::hint::black_box;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use ssekit::Parser;

// Shared with benches/compare, which uses the parts this bench does not.
#[allow(dead_code)]
mod workloads;

use workloads::{read_str, Expected, Feeding, Workload, DEFAULT_MIB};

/// `SSEKIT_BENCH_MIB` (default 16): size of each workload.
fn workload_len() -> usize {
    let mib = match std::env::var("SSEKIT_BENCH_MIB") {
        Ok(v) => {
            v.trim().parse().unwrap_or_else(|_| panic!("SSEKIT_BENCH_MIB={v:?}: not a number"))
        }
        Err(_) => DEFAULT_MIB,
    };
    mib << 20
}

/// What one parse read.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    /// Events, and bytes of their data as read: asserted against the
    /// generator's count.
    seen: Expected,
    /// Bytes of id and event type read (not asserted).
    meta: u64,
}

impl Tally {
    /// One event, its fields read as text.
    #[inline]
    fn text(&mut self, data: &str, id: &str, event_type: &str) {
        self.seen.events += 1;
        self.seen.data_bytes += read_str(data);
        self.meta += read_str(id) + read_str(event_type);
    }
}

/// Pulls every event the parser can complete and reads it as text.
#[inline]
fn drain(parser: &mut Parser, tally: &mut Tally) {
    while let Some(item) = parser.next_event() {
        if let Ok(event) = item {
            tally.text(event.data().as_str(), event.id().as_str(), event.event_type().as_str());
        }
    }
}

/// [`drain`] with borrowed events (their accessors give `&str`).
#[inline]
fn drain_ref(parser: &mut Parser, tally: &mut Tally) {
    while let Some(item) = parser.next_event_ref() {
        if let Ok(event) = item {
            tally.text(event.data(), event.id(), event.event_type());
        }
    }
}

/// How events are pulled: owned (`next_event`) or borrowed (`next_event_ref`).
type Drain = fn(&mut Parser, &mut Tally);

fn parse_slices(mut parser: Parser, chunks: &[&[u8]], drain: Drain) -> Tally {
    let mut tally = Tally::default();
    for chunk in chunks {
        parser.feed(chunk);
        drain(&mut parser, &mut tally);
    }
    parser.finish();
    drain(&mut parser, &mut tally);
    tally
}

fn parse_bytes(mut parser: Parser, chunks: Vec<Bytes>, drain: Drain) -> Tally {
    let mut tally = Tally::default();
    for chunk in chunks {
        parser.feed_bytes(chunk);
        drain(&mut parser, &mut tally);
    }
    parser.finish();
    drain(&mut parser, &mut tally);
    tally
}

/// The `limit` baseline: line ends found by `memchr2`, chunk by chunk.
fn count_line_ends(chunks: &[&[u8]]) -> usize {
    let mut n = 0;
    for chunk in chunks {
        let mut rest = *chunk;
        while let Some(i) = memchr::memchr2(b'\n', b'\r', rest) {
            n += 1;
            rest = &rest[i + 1..];
        }
    }
    n
}

fn bench_workloads(c: &mut Criterion) {
    let len = workload_len();
    for workload in Workload::ALL {
        let generated = workload.generate(len);
        let mut group = c.benchmark_group(workload.name());
        group.sampling_mode(SamplingMode::Flat).sample_size(10);
        for feeding in Feeding::ALL {
            let input = feeding.input(&generated);
            let expected = feeding.expected(&generated);
            let chunks = feeding.split(input);
            let shared = Bytes::copy_from_slice(input);
            let byte_chunks = feeding.split_bytes(&shared);
            group.throughput(Throughput::Bytes(input.len() as u64));

            let name = feeding.name();
            let what = |path: &str| format!("{}/{name}/{path}", workload.name());

            for (suffix, drain) in [("", drain as Drain), ("_ref", drain_ref as Drain)] {
                // Each check runs once, and only if the filter selects the bench.
                let mut checked = false;
                let path = format!("feed{suffix}");
                group.bench_function(format!("{name}/{path}"), |b| {
                    if !core::mem::replace(&mut checked, true) {
                        let got = parse_slices(Parser::new(), &chunks, drain).seen;
                        assert_eq!(got, expected, "{}", what(&path));
                    }
                    b.iter(|| parse_slices(Parser::new(), black_box(&chunks), drain));
                });

                let mut checked = false;
                let path = format!("feed_bytes{suffix}");
                group.bench_function(format!("{name}/{path}"), |b| {
                    if !core::mem::replace(&mut checked, true) {
                        let got = parse_bytes(Parser::new(), byte_chunks.clone(), drain).seen;
                        assert_eq!(got, expected, "{}", what(&path));
                    }
                    b.iter_batched(
                        || byte_chunks.clone(),
                        |chunks| parse_bytes(Parser::new(), chunks, drain),
                        BatchSize::LargeInput,
                    );
                });
            }

            group.bench_function(format!("{name}/limit"), |b| {
                b.iter(|| count_line_ends(black_box(&chunks)));
            });
        }
        group.finish();
    }
}

fn bench_linear(c: &mut Criterion) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut group = c.benchmark_group("linear");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    for mib in [1usize, 4] {
        let line_len = mib << 20;
        let mut input = Vec::with_capacity(line_len + 8);
        input.extend_from_slice(b"data: ");
        input.extend((0..line_len).map(|i| ALPHABET[(i * 7 + i / 64) % 64]));
        input.extend_from_slice(b"\n\n");
        let expected = Expected { events: 1, data_bytes: line_len as u64 };
        // The default line limit is 4 MiB: make room for the 4 MiB line.
        let parser = || Parser::builder().max_line_len(line_len + 64).build();
        let shared = Bytes::from(input.clone());
        group.throughput(Throughput::Bytes(input.len() as u64));
        for chunk in [1usize, 7, 4096] {
            let chunks: Vec<&[u8]> = input.chunks(chunk).collect();
            let byte_chunks: Vec<Bytes> = (0..input.len())
                .step_by(chunk)
                .map(|at| shared.slice(at..(at + chunk).min(input.len())))
                .collect();

            let mut checked = false;
            group.bench_function(format!("{mib}MiB/{chunk}B/feed"), |b| {
                if !core::mem::replace(&mut checked, true) {
                    assert_eq!(parse_slices(parser(), &chunks, drain).seen, expected);
                }
                b.iter(|| parse_slices(parser(), black_box(&chunks), drain));
            });

            let mut checked = false;
            group.bench_function(format!("{mib}MiB/{chunk}B/feed_bytes"), |b| {
                if !core::mem::replace(&mut checked, true) {
                    assert_eq!(parse_bytes(parser(), byte_chunks.clone(), drain).seen, expected);
                }
                b.iter_batched(
                    || byte_chunks.clone(),
                    |chunks| parse_bytes(parser(), chunks, drain),
                    BatchSize::LargeInput,
                );
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_workloads, bench_linear);
criterion_main!(benches);
