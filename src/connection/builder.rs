//! [`ConnectionBuilder`]: the settings of a [`Connection`] and their defaults.

use super::Connection;
#[cfg(doc)]
use super::{CloseReason, Output};
use crate::Parser;
use core::time::Duration;

/// Default for [`ConnectionBuilder::default_retry`]: 3 seconds, the
/// reconnection time of WebKit and Chromium.
pub const DEFAULT_RETRY: Duration = Duration::from_secs(3);
/// Default for [`ConnectionBuilder::backoff_max`]: 30 seconds.
pub const DEFAULT_BACKOFF_MAX: Duration = Duration::from_secs(30);
/// Default for [`ConnectionBuilder::max_delay`]: 5 minutes.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(300);

/// Configures a [`Connection`]. Setters return `&mut Self`; build with
/// [`build`](Self::build) or [`build_with_parser`](Self::build_with_parser).
///
/// ```
/// use core::time::Duration;
/// let connection = ssekit::Connection::builder()
///     .default_retry(Duration::from_secs(1))
///     .max_retries(Some(10))
///     .idle_timeout(Some(Duration::from_secs(45)))
///     .retry_statuses([429, 502, 503, 504])
///     .seed(7)
///     .build();
/// assert_eq!(connection.ready_state(), ssekit::ReadyState::Connecting);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionBuilder {
    pub(super) default_retry: Duration,
    pub(super) backoff_factor: f64,
    pub(super) backoff_max: Duration,
    pub(super) jitter: f64,
    pub(super) max_delay: Duration,
    pub(super) max_retries: Option<u32>,
    pub(super) idle_timeout: Option<Duration>,
    pub(super) retry_statuses: [u64; 8],
    pub(super) reconnect_after_end: bool,
    pub(super) emit_retry: bool,
    pub(crate) seed: Option<u64>,
}

impl Default for ConnectionBuilder {
    fn default() -> Self {
        Self {
            default_retry: DEFAULT_RETRY,
            backoff_factor: 2.0,
            backoff_max: DEFAULT_BACKOFF_MAX,
            jitter: 0.5,
            max_delay: DEFAULT_MAX_DELAY,
            max_retries: None,
            idle_timeout: None,
            retry_statuses: [0; 8],
            reconnect_after_end: true,
            emit_retry: false,
            seed: None,
        }
    }
}

impl ConnectionBuilder {
    /// A builder with the default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// The reconnection time while the server has sent no valid `retry`.
    /// The default is 3 seconds ([`DEFAULT_RETRY`]).
    pub fn default_retry(&mut self, delay: Duration) -> &mut Self {
        self.default_retry = delay;
        self
    }

    /// How much each further reconnection in a row without an event
    /// multiplies the wait: attempt `n` waits the reconnection time ×
    /// `factor`<sup>`n`−1</sup> (growing from at least 1 ms, so `retry: 0`
    /// cannot make a failing client spin). Below 1 (or NaN) counts as 1, no
    /// backoff. The default is `2.0`.
    pub fn backoff_factor(&mut self, factor: f64) -> &mut Self {
        self.backoff_factor = if factor >= 1.0 { factor } else { 1.0 };
        self
    }

    /// Where backoff stops growing. It never lowers a server's larger
    /// `retry`. The default is 30 seconds ([`DEFAULT_BACKOFF_MAX`]).
    pub fn backoff_max(&mut self, max: Duration) -> &mut Self {
        self.backoff_max = max;
        self
    }

    /// Randomness added to each wait, as a fraction of it: a wait `d`
    /// becomes a value in `[d, d × (1 + jitter))`, so clients dropped
    /// together do not come back together, and none comes back sooner than
    /// the server asked. Clamped to `0.0..=1.0`. The default is `0.5`.
    pub fn jitter(&mut self, jitter: f64) -> &mut Self {
        self.jitter = if jitter > 0.0 { jitter.min(1.0) } else { 0.0 };
        self
    }

    /// The longest wait of all, whatever `retry`, `Retry-After` or backoff
    /// say (so `retry: 99999999999` cannot park a client for years). The
    /// default is 5 minutes ([`DEFAULT_MAX_DELAY`]).
    pub fn max_delay(&mut self, max: Duration) -> &mut Self {
        self.max_delay = max;
        self
    }

    /// Reconnections in a row that deliver no event before giving up
    /// ([`CloseReason::RetriesExhausted`]); `Some(0)` never reconnects.
    /// The default is `None`: retry for ever, as a browser does.
    pub fn max_retries(&mut self, max: Option<u32>) -> &mut Self {
        self.max_retries = max;
        self
    }

    /// Treat a connection on which no byte arrived for this long (waiting
    /// for the response, or between body chunks) as a network failure:
    /// this catches half-open TCP connections. Set it to a few times the
    /// server's keep-alive interval. The default is `None` (wait for ever,
    /// as a browser does), since only you know that interval.
    pub fn idle_timeout(&mut self, timeout: Option<Duration>) -> &mut Self {
        self.idle_timeout = timeout;
        self
    }

    /// Reconnect (with backoff) instead of failing when a response has this
    /// status (100–599; others are ignored), honouring its `Retry-After`
    /// as the least wait. The default is none: every status but 200 fails
    /// the connection, as the standard says.
    pub fn retry_status(&mut self, status: u16) -> &mut Self {
        if let Some(bit) = status.checked_sub(100).filter(|bit| *bit < 500) {
            self.retry_statuses[usize::from(bit / 64)] |= 1 << (bit % 64);
        }
        self
    }

    /// [`retry_status`](Self::retry_status) for each of `statuses`, e.g.
    /// `[429, 502, 503, 504]`. The default is none.
    pub fn retry_statuses(&mut self, statuses: impl IntoIterator<Item = u16>) -> &mut Self {
        for status in statuses {
            self.retry_status(status);
        }
        self
    }

    /// Whether the end of a response body re-establishes the connection (the
    /// standard's rule) or closes it ([`CloseReason::Ended`]), for one-shot
    /// streams such as an LLM completion. The default is `true`.
    pub fn reconnect_after_end(&mut self, yes: bool) -> &mut Self {
        self.reconnect_after_end = yes;
        self
    }

    /// Whether valid `retry` fields are reported as [`Output::Retry`]. The
    /// default is `false`.
    pub fn emit_retry(&mut self, yes: bool) -> &mut Self {
        self.emit_retry = yes;
        self
    }

    /// Seeds the jitter's random generator (SplitMix64). Give each client
    /// its own seed: clients with the same seed jitter alike. The default is
    /// a fixed seed; the `reqwest` client picks a random one unless set.
    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.seed = Some(seed);
        self
    }

    /// A connection with a default [`Parser`].
    pub fn build(&self) -> Connection {
        self.build_with_parser(Parser::new())
    }

    /// A connection that parses with `parser`: your limits and options, and
    /// its [`last_event_id`](Parser::last_event_id) for the first request.
    pub fn build_with_parser(&self, parser: Parser) -> Connection {
        Connection::from_config(self.clone(), parser)
    }
}
