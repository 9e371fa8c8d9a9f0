//! `--timing`: when bytes and events arrived, and the summary people
//! compute by hand to judge a stream (time to first byte and first event,
//! rate, the spread of the gaps between events).
//!
//! Times are taken by the caller (the moment a read returned the chunk
//! that completed an event, not when it was printed) and passed in, so
//! this module reads no clock and its arithmetic is tested directly.

use core::time::Duration;
use std::time::Instant;

/// When one event arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// Since the start of the run.
    pub(crate) elapsed: Duration,
    /// Since the previous event shown; `None` for the first.
    pub(crate) gap: Option<Duration>,
}

/// The end-of-stream figures.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Report {
    /// From the start to the first byte of input (in URL mode, of the
    /// first response).
    pub(crate) first_byte: Option<Duration>,
    /// From the start to the first event shown.
    pub(crate) first_event: Option<Duration>,
    /// Events shown.
    pub(crate) events: u64,
    /// Bytes of input read (every input), `None` where they are not
    /// counted (URL mode: the client does not report body bytes).
    pub(crate) bytes: Option<u64>,
    /// From the start to the end of the input.
    pub(crate) duration: Duration,
    /// Events per second while events flow: the gaps between the first and
    /// the last event, divided by the time between them (so `1 / mean gap`).
    /// `None` with fewer than two events or no time between them.
    pub(crate) events_per_sec: Option<f64>,
    /// The gaps between consecutive events, `None` with fewer than two
    /// events.
    pub(crate) gaps: Option<Gaps>,
}

/// Percentiles of the gaps between consecutive events (nearest rank: the
/// smallest gap that at least p% of the gaps do not exceed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gaps {
    /// The median.
    pub(crate) p50: Duration,
    /// The 90th percentile.
    pub(crate) p90: Duration,
    /// The 99th percentile.
    pub(crate) p99: Duration,
    /// The largest gap.
    pub(crate) max: Duration,
}

/// Collects arrival times over one run.
#[derive(Debug, Clone)]
pub(crate) struct Timing {
    start: Instant,
    first_byte: Option<Duration>,
    first_event: Option<Duration>,
    last_event: Option<Duration>,
    /// `None` if bytes are not counted.
    bytes: Option<u64>,
    events: u64,
    /// Every gap between consecutive events, in nanoseconds (8 bytes per
    /// event: a million events cost 8 MB).
    gaps: Vec<u64>,
}

impl Timing {
    /// Starts the clock at `start`; `count_bytes` if the input's bytes will
    /// be reported through [`bytes`](Self::bytes).
    pub(crate) fn new(start: Instant, count_bytes: bool) -> Self {
        Self {
            start,
            first_byte: None,
            first_event: None,
            last_event: None,
            bytes: count_bytes.then_some(0),
            events: 0,
            gaps: Vec::new(),
        }
    }

    /// `len` bytes of input arrived at `at`.
    pub(crate) fn bytes(&mut self, len: usize, at: Instant) {
        if len > 0 {
            self.first_byte(at);
        }
        if let Some(bytes) = &mut self.bytes {
            *bytes += len as u64;
        }
    }

    /// The first byte of input arrived at `at`, if none did before.
    pub(crate) fn first_byte(&mut self, at: Instant) {
        if self.first_byte.is_none() {
            self.first_byte = Some(self.since_start(at));
        }
    }

    /// An event shown arrived at `at`.
    pub(crate) fn event(&mut self, at: Instant) -> Stamp {
        let elapsed = self.since_start(at);
        // A clock read before an earlier one (they come from different
        // reads) gives a zero gap, never a negative one.
        let gap = self.last_event.map(|last| elapsed.saturating_sub(last));
        if let Some(gap) = gap {
            self.gaps.push(u64::try_from(gap.as_nanos()).unwrap_or(u64::MAX));
        }
        self.first_event.get_or_insert(elapsed);
        self.last_event = Some(elapsed.max(self.last_event.unwrap_or_default()));
        self.events += 1;
        Stamp { elapsed, gap }
    }

    /// The figures, with the input ending at `end`.
    pub(crate) fn report(&self, end: Instant) -> Report {
        let mut gaps = self.gaps.clone();
        gaps.sort_unstable();
        let span = match (self.first_event, self.last_event) {
            (Some(first), Some(last)) => last.saturating_sub(first),
            _ => Duration::ZERO,
        };
        let events_per_sec = (self.events >= 2 && !span.is_zero())
            .then(|| (self.events - 1) as f64 / span.as_secs_f64());
        Report {
            first_byte: self.first_byte,
            first_event: self.first_event,
            events: self.events,
            bytes: self.bytes,
            duration: self.since_start(end),
            events_per_sec,
            gaps: gaps.last().map(|&max| Gaps {
                p50: Duration::from_nanos(percentile(&gaps, 50)),
                p90: Duration::from_nanos(percentile(&gaps, 90)),
                p99: Duration::from_nanos(percentile(&gaps, 99)),
                max: Duration::from_nanos(max),
            }),
        }
    }

    fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.start)
    }
}

/// The `p`th percentile of the non-empty, sorted `values` by the nearest
/// rank method: the value at rank `ceil(p / 100 * n)`, counting from 1.
fn percentile(sorted: &[u64], p: u64) -> u64 {
    let n = sorted.len() as u64;
    let rank = (p * n).div_ceil(100).max(1);
    let index = usize::try_from(rank - 1).unwrap_or(usize::MAX).min(sorted.len() - 1);
    sorted[index]
}

/// A duration in milliseconds, as a float (for JSON and for people).
pub(crate) fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&values, 50), 5);
        assert_eq!(percentile(&values, 90), 9);
        assert_eq!(percentile(&values, 99), 10);
        assert_eq!(percentile(&[7], 50), 7);
        assert_eq!(percentile(&[7], 99), 7);
        let hundred: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 99), 99);
        assert_eq!(percentile(&hundred, 50), 50);
        // 1 slow gap in 200 is above p99, so p99 does not show it; max does.
        let mut skewed = vec![10; 199];
        skewed.push(1000);
        assert_eq!(percentile(&skewed, 99), 10);
    }

    #[test]
    fn stamps_and_report() {
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let mut timing = Timing::new(start, true);
        timing.bytes(0, at(1));
        timing.bytes(10, at(5));
        timing.bytes(10, at(9));
        assert_eq!(timing.event(at(20)), Stamp { elapsed: Duration::from_millis(20), gap: None });
        assert_eq!(timing.event(at(30)).gap, Some(Duration::from_millis(10)));
        assert_eq!(timing.event(at(60)).gap, Some(Duration::from_millis(30)));
        assert_eq!(timing.event(at(60)).gap, Some(Duration::ZERO));
        let report = timing.report(at(100));
        assert_eq!(report.first_byte, Some(Duration::from_millis(5)));
        assert_eq!(report.first_event, Some(Duration::from_millis(20)));
        assert_eq!((report.events, report.bytes), (4, Some(20)));
        assert_eq!(report.duration, Duration::from_millis(100));
        // Three gaps over 40 ms.
        assert!((report.events_per_sec.unwrap() - 75.0).abs() < 1e-9);
        let gaps = report.gaps.unwrap();
        assert_eq!(gaps.p50, Duration::from_millis(10));
        assert_eq!(gaps.max, Duration::from_millis(30));
    }

    #[test]
    fn empty_and_single_event_reports() {
        let start = Instant::now();
        let timing = Timing::new(start, true);
        let report = timing.report(start);
        assert_eq!(report.bytes, Some(0));
        assert_eq!((report.first_byte, report.first_event, report.gaps), (None, None, None));
        assert_eq!(report.events_per_sec, None);

        let mut timing = Timing::new(start, false);
        timing.first_byte(start + Duration::from_millis(2));
        timing.first_byte(start + Duration::from_millis(3));
        timing.event(start + Duration::from_millis(3));
        let report = timing.report(start + Duration::from_millis(4));
        assert_eq!((report.events, report.bytes), (1, None));
        assert_eq!(report.first_byte, Some(Duration::from_millis(2)));
        assert_eq!((report.events_per_sec, report.gaps), (None, None));
    }
}
