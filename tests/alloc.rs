//! Counts heap allocations per event with a test-only global allocator.
//!
//! The library forbids `unsafe`; implementing `GlobalAlloc` needs it, so the
//! counting allocator lives here, in a test crate of its own, and only
//! delegates to `System`.

use bytes::{Bytes, BytesMut};
use ssekit::{Item, Parser};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to `System`; the counter is a
// thread-local `Cell` (const-initialised, so touching it never allocates).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|n| n.set(n.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.with(|n| n.set(n.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = ALLOCS.with(Cell::get);
    let out = f();
    (out, ALLOCS.with(Cell::get) - before)
}

/// Pulls every item, touching each event's fields, and drops them.
fn drain(parser: &mut Parser) -> usize {
    let mut events = 0;
    while let Some(item) = parser.next_item() {
        if let Ok(Item::Event(event)) = item {
            assert!(!event.event_type().is_empty());
            std::hint::black_box((event.data().len(), event.id().len()));
            events += 1;
        }
    }
    events
}

/// `chunks` chunks of `per_chunk` copies of `event`, made the way a network
/// stack makes them: written into one `BytesMut` and split off.
fn chunks(event: &[u8], per_chunk: usize, chunks: usize) -> Vec<Bytes> {
    let mut buf = BytesMut::new();
    (0..chunks)
        .map(|_| {
            for _ in 0..per_chunk {
                buf.extend_from_slice(event);
            }
            buf.split().freeze()
        })
        .collect()
}

/// Allocations per event in steady state: one warm-up round, then many.
fn steady_state_bytes(event: &[u8]) -> f64 {
    let mut parser = Parser::new();
    let warm = chunks(event, 50, 4);
    let measured = chunks(event, 50, 200);
    for chunk in warm {
        parser.feed_bytes(chunk);
        drain(&mut parser);
    }
    let (events, allocs) = allocations(|| {
        let mut events = 0;
        for chunk in measured {
            parser.feed_bytes(chunk);
            events += drain(&mut parser);
        }
        events
    });
    assert_eq!(events, 50 * 200);
    allocs as f64 / events as f64
}

#[test]
fn single_line_events_pushed_as_bytes_allocate_nothing() {
    let long = format!("data: {}\n\n", "z".repeat(300));
    for event in [
        &b"data: x\n\n"[..],
        b"event: delta\nid: 12345\ndata: {\"choices\":[{\"delta\":{}}]}\n\n",
        long.as_bytes(),
        format!("id: {}\ndata: {}\n\n", "i".repeat(40), "d".repeat(40)).as_bytes(),
        b"data: crlf\r\n\r\n",
        b": keep-alive\nretry: 1000\ndata: x\n\n",
    ] {
        let per_event = steady_state_bytes(event);
        assert_eq!(per_event, 0.0, "{:?}", String::from_utf8_lossy(event));
    }
}

#[test]
fn multi_line_events_reuse_the_data_buffer_once_events_are_dropped() {
    let event = format!("data: {}\ndata: {}\n\n", "a".repeat(100), "b".repeat(100));
    assert_eq!(steady_state_bytes(event.as_bytes()), 0.0);
}

#[test]
fn feeding_slices_reuses_the_input_buffer() {
    let input = b"event: delta\ndata: {\"x\":1}\n\n".repeat(100);
    let mut parser = Parser::new();
    for _ in 0..4 {
        parser.feed(&input);
        drain(&mut parser);
    }
    let (events, allocs) = allocations(|| {
        let mut events = 0;
        for _ in 0..100 {
            parser.feed(&input);
            events += drain(&mut parser);
        }
        events
    });
    assert_eq!(events, 10_000);
    assert_eq!(allocs, 0, "{allocs} allocations for {events} events");
}

#[test]
fn lines_straddling_chunks_reuse_the_carry_buffer() {
    let input = b"data: some event payload\n\n".repeat(400);
    let mut parser = Parser::new();
    let mut pieces: Vec<Bytes> = input.chunks(7).map(Bytes::copy_from_slice).collect();
    let measured = pieces.split_off(100);
    for piece in pieces {
        parser.feed_bytes(piece);
        drain(&mut parser);
    }
    let (events, allocs) = allocations(|| {
        let mut events = 0;
        for piece in measured {
            parser.feed_bytes(piece);
            events += drain(&mut parser);
        }
        events
    });
    assert!(events > 300);
    assert_eq!(allocs, 0, "{allocs} allocations for {events} events");
}

/// Pulls every event lent by `next_event_ref`, touching its fields.
fn drain_ref(parser: &mut Parser) -> usize {
    let mut events = 0;
    while let Some(event) = parser.next_event_ref() {
        let event = event.expect("no limits are hit");
        assert!(!event.event_type().is_empty());
        std::hint::black_box((event.data_bytes().len(), event.id_bytes().len()));
        events += 1;
    }
    events
}

#[test]
fn borrowed_events_allocate_nothing_on_either_push_path() {
    let long = format!("event: delta\ndata: {}\n\n", "z".repeat(300));
    let multi = format!("id: 7\ndata: {}\ndata: {}\n\n", "a".repeat(100), "b".repeat(100));
    for event in [&b"data: x\n\n"[..], long.as_bytes(), multi.as_bytes(), b"data: crlf\r\n\r\n"] {
        let label = String::from_utf8_lossy(event);
        let input = event.repeat(50);
        // Through `feed(&[u8])`.
        let mut parser = Parser::new();
        for _ in 0..4 {
            parser.feed(&input);
            drain_ref(&mut parser);
        }
        let (events, allocs) = allocations(|| {
            (0..100)
                .map(|_| {
                    parser.feed(&input);
                    drain_ref(&mut parser)
                })
                .sum::<usize>()
        });
        assert_eq!(events, 5_000, "{label:?}");
        assert_eq!(allocs, 0, "{label:?} fed as slices: {allocs} allocations");
        // Through `feed_bytes(Bytes)`, chunks made as a network stack does.
        let mut parser = Parser::new();
        for chunk in chunks(event, 50, 4) {
            parser.feed_bytes(chunk);
            drain_ref(&mut parser);
        }
        let measured = chunks(event, 50, 100);
        let (events, allocs) = allocations(|| {
            measured
                .into_iter()
                .map(|chunk| {
                    parser.feed_bytes(chunk);
                    drain_ref(&mut parser)
                })
                .sum::<usize>()
        });
        assert_eq!(events, 5_000, "{label:?}");
        assert_eq!(allocs, 0, "{label:?} fed as Bytes: {allocs} allocations");
    }
}
