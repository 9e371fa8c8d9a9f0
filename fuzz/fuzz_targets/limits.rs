//! Fuzz target `limits`: tiny limits (below 64 bytes) against adversarial streams built from
//! the input (`Adversary` in `fuzz/checks.rs`: endless lines, floods of empty `data:` lines,
//! endless comments, a line or an event repeated up to 65535 times, cut at 16 KiB), fed in
//! chunks of 1 to 256 bytes.
//!
//! Checks, after every pull: `buffered_len() <= max_line_len + max_event_size`, the per-item
//! invariants of the `parse` target, and that the peak of the live heap bytes since the parser
//! was built (measured by the counting global allocator below) stays within
//! `checks::heap_bound`: `12 * max_line_len + 6 * max_event_size + 8 * chunk + 1024` (the
//! factors and the constant are explained there), which does not grow with the length of the
//! stream. The stream's closing `data: ok` event must get through whenever the limits admit it.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

#[allow(dead_code, unreachable_pub)]
#[path = "../../tests/common/model.rs"]
mod model;

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

/// Bytes allocated and not yet freed, and the most that has been since the last reset.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Forwards to `System`, counting live bytes.
struct Counting;

fn grew(by: usize) {
    let live = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; the bookkeeping is two atomics and
// never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc_zeroed(layout);
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = System.realloc(ptr, layout, new_size);
        if !new.is_null() {
            // Both blocks are live for a moment.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        new
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const HEAP: checks::HeapProbe = checks::HeapProbe {
    live: || LIVE.load(Relaxed),
    peak: || PEAK.load(Relaxed),
    reset_peak: || PEAK.store(LIVE.load(Relaxed), Relaxed),
};

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check_limits(data, Some(&HEAP)));
