//! The conformance runner: every vector in `spec-vectors/` through the real
//! parser, under every chunking it can afford, through both push paths.
//!
//! Strategies per vector: whole; every single split point; byte by byte;
//! every pair of split points (inputs up to `PAIR_LIMIT` bytes); seeded
//! random splits. Each runs through `feed(&[u8])` and `feed_bytes(Bytes)`,
//! and each of those pulling owned items (`next_item`) and borrowed ones
//! (`next_item_ref`).
//! A failure names the file, the vector and the split.

mod common;

use bytes::Bytes;
use common::vectors::{load_all, Vector};
use ssekit::{Item, Parser, ParserBuilder};

/// Inputs up to this length also run under every pair of split points.
const PAIR_LIMIT: usize = 96;
/// Seeded random chunkings per vector.
const RANDOM_SPLITS: u64 = 32;

#[derive(Debug, PartialEq)]
struct Observed {
    events: Vec<(String, String, String)>,
    retry: Option<u64>,
    last_event_id: String,
}

#[derive(Clone, Copy, Debug)]
enum Path {
    Slice,
    Bytes,
    SliceRef,
    BytesRef,
}

fn parse(builder: &ParserBuilder, chunks: &[&[u8]], path: Path) -> Observed {
    let mut parser = builder.build();
    let mut events = Vec::new();
    let borrowed = matches!(path, Path::SliceRef | Path::BytesRef);
    let mut pull = |parser: &mut Parser| loop {
        // A lent item is read through its own accessors, by `to_item`.
        let item = if borrowed {
            parser.next_item_ref().map(|item| item.map(|item| item.to_item()))
        } else {
            parser.next_item()
        };
        match item {
            None => break,
            Some(Ok(Item::Event(e))) => {
                events.push((e.event_type().to_string(), e.data().to_string(), e.id().to_string()))
            }
            Some(Ok(_)) => {}
            Some(Err(err)) => panic!("unexpected error without limits: {err}"),
        }
    };
    for chunk in chunks {
        match path {
            Path::Slice | Path::SliceRef => parser.feed(chunk),
            Path::Bytes | Path::BytesRef => parser.feed_bytes(Bytes::copy_from_slice(chunk)),
        }
        pull(&mut parser);
    }
    parser.finish();
    pull(&mut parser);
    Observed { events, retry: parser.retry(), last_event_id: parser.last_event_id().to_string() }
}

fn check(vector: &Vector, builder: &ParserBuilder, chunks: &[&[u8]], split: &str) -> usize {
    for path in [Path::Slice, Path::Bytes, Path::SliceRef, Path::BytesRef] {
        let got = parse(builder, chunks, path);
        let label = vector.label();
        let fast = if builder.fast_paths_enabled() { "fast paths on" } else { "fast paths off" };
        assert_eq!(got.events, vector.events, "{label}: events differ ({split}, {path:?}, {fast})");
        assert_eq!(got.retry, vector.retry, "{label}: retry differs ({split}, {path:?}, {fast})");
        if let Some(want) = &vector.last_event_id {
            assert_eq!(
                &got.last_event_id, want,
                "{label}: last_event_id differs ({split}, {path:?}, {fast})"
            );
        }
    }
    4
}

/// A tiny deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn run_vector(vector: &Vector, builder: &ParserBuilder) -> usize {
    let input = &vector.input[..];
    let n = input.len();
    let mut runs = check(vector, builder, &[input], "whole");
    for at in 0..=n {
        runs += check(vector, builder, &[&input[..at], &input[at..]], &format!("split at {at}"));
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    runs += check(vector, builder, &bytes, "byte by byte");
    if n <= PAIR_LIMIT {
        for a in 0..=n {
            for b in a..=n {
                let chunks = [&input[..a], &input[a..b], &input[b..]];
                runs += check(vector, builder, &chunks, &format!("splits at {a} and {b}"));
            }
        }
    }
    let mut rng = Rng(0x5EED ^ (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    for round in 0..RANDOM_SPLITS {
        let mut cuts: Vec<usize> =
            (0..1 + rng.next() % 8).map(|_| (rng.next() % (n as u64 + 1)) as usize).collect();
        cuts.sort_unstable();
        let mut chunks = Vec::new();
        let mut from = 0;
        for cut in cuts.iter().copied().chain([n]) {
            chunks.push(&input[from..cut]);
            from = cut;
        }
        runs += check(vector, builder, &chunks, &format!("random round {round}: cuts {cuts:?}"));
    }
    runs
}

#[test]
fn every_vector_under_every_chunking() {
    let vectors = load_all();
    assert!(vectors.len() >= 150, "only {} vectors", vectors.len());
    let mut runs = 0;
    let mut per_file = std::collections::BTreeMap::<&str, usize>::new();
    // Every chunking with the scanner's fast paths on and off, so that a
    // failure says which path handled the input.
    for fast in [true, false] {
        let builder = ParserBuilder::new().fast_paths(fast).clone();
        for vector in &vectors {
            runs += run_vector(vector, &builder);
            *per_file.entry(&vector.file).or_default() += 1;
        }
    }
    eprintln!("spec vectors: {} vectors {per_file:?}, {runs} chunked runs", vectors.len());
}

#[test]
fn comments_on_or_off_do_not_change_events() {
    let builder = ParserBuilder::new().emit_comments(true).clone();
    for vector in load_all() {
        let chunks: Vec<&[u8]> = vector.input.chunks(3).collect();
        check(&vector, &builder, &chunks, "chunks of 3, comments on");
    }
}
