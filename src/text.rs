//! [`Str`], the cheap, cloneable UTF-8 string that events are made of, and
//! the UTF-8 check behind it.
//!
//! # The one `unsafe`
//!
//! The crate denies `unsafe` everywhere but in [`assume_utf8`], which turns
//! bytes that are known to be UTF-8 into a `&str` without checking them
//! again (`core::str::from_utf8_unchecked`). It has two callers, both here:
//! [`utf8`], right after it has validated the bytes, and [`Str::as_str`],
//! whose bytes were validated when the `Str` was built. That second claim
//! rests on one invariant of this module: **every `Repr` holds valid
//! UTF-8.** `Repr` is private, and each constructor either starts from a
//! `&str` or from the output of [`utf8`]; a debug assertion re-checks the
//! bytes at every conversion, and CI runs the tests under Miri.
//!
//! [`utf8`] validates with `core::str::from_utf8`, or, with the opt-in
//! `simd-utf8` feature, with the `simdutf8` crate (which has `unsafe` of
//! its own, for its vector code, and is fuzzed against the standard
//! library upstream); there the debug assertion re-checks every result
//! against the standard library, so the whole test suite, run with all
//! features, compares the two.
//!
//! Without it every `&str` accessor would validate again on each call,
//! which cost clients that read events as text (what `serde_json::from_str`
//! wants) a third of their throughput.

use alloc::string::String;
use bytes::Bytes;
use core::{borrow::Borrow, fmt, hash, ops::Deref};

/// An immutable UTF-8 string that is cheap to clone: what events are made of.
///
/// Event fields are `Str`s rather than `String`s so that the parser never
/// allocates for the common cases:
///
/// * short values (up to [`Str::INLINE_CAPACITY`] = 38 bytes: event types,
///   UUID and numeric ids, small payloads, `"message"` included) live
///   inline, so a long-lived last event ID never pins a chunk in memory;
/// * longer values are a [`Bytes`] view, usually straight into the chunk you
///   fed, so a big `data` line is handed out without a copy. (A view keeps
///   that chunk's storage alive while you hold it.)
///
/// Cloning copies at most 48 bytes or increments a reference count. The
/// bytes were checked to be UTF-8 (or decoded with replacement) once, when
/// the value was built: [`Str::as_str`], `Deref`, `Display` and `Hash` do no
/// UTF-8 work at all.
///
/// # Example
///
/// ```
/// use ssekit::Str;
///
/// let s = Str::from("hello");
/// assert_eq!(s, "hello");
/// assert_eq!(s.len(), 5);
/// assert_eq!(s.as_str().to_uppercase(), "HELLO");
/// ```
#[derive(Clone)]
pub struct Str(Repr);

/// The storage of a [`Str`]. Invariant: the bytes are valid UTF-8 (see the
/// module documentation).
#[derive(Clone)]
enum Repr {
    Inline(Inline),
    Shared(Bytes),
}

/// A short value's bytes and length, aligned like the [`Bytes`] of the
/// other variant: both lie at the same 8-byte-aligned offset, so a `Str`
/// is moved as whole words whichever it holds (8 bytes more per `Str`;
/// why it pays is in `benches/compare/RESULTS.md`).
#[derive(Clone, Copy)]
#[repr(C, align(8))]
struct Inline {
    buf: [u8; Str::INLINE_CAPACITY],
    len: u8,
}

impl Str {
    /// Values up to this many bytes are stored inline, without allocation.
    pub const INLINE_CAPACITY: usize = 38;

    /// The empty string.
    pub const EMPTY: Self = Self(Repr::Inline(Inline { len: 0, buf: [0; Self::INLINE_CAPACITY] }));

    /// `"message"`, the default event type, built at compile time.
    pub(crate) const MESSAGE: Self = {
        let mut buf = [0; Self::INLINE_CAPACITY];
        let text = b"message";
        let mut i = 0;
        while i < text.len() {
            buf[i] = text[i];
            i += 1;
        }
        Self(Repr::Inline(Inline { len: text.len() as u8, buf }))
    };

    /// Builds a `Str` from a string slice, inline when short.
    ///
    /// ```
    /// let s = ssekit::Str::new("message");
    /// assert_eq!(s, "message");
    /// ```
    pub fn new(s: &str) -> Self {
        Self::in_owner(s, None)
    }

    /// Wraps `bytes` if they are valid UTF-8, without copying them (values of
    /// up to [`Str::INLINE_CAPACITY`] bytes are copied inline instead).
    ///
    /// # Errors
    ///
    /// Gives the bytes back if they are not valid UTF-8.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use ssekit::Str;
    ///
    /// assert_eq!(Str::from_utf8(Bytes::from_static(b"ok")).unwrap(), "ok");
    /// assert!(Str::from_utf8(Bytes::from_static(b"\xff")).is_err());
    /// ```
    pub fn from_utf8(bytes: Bytes) -> Result<Self, Bytes> {
        match utf8(&bytes) {
            Some(text) => Ok(Self::inline(text).unwrap_or(Self(Repr::Shared(bytes)))),
            None => Err(bytes),
        }
    }

    /// Decodes `bytes` as UTF-8 with replacement: each maximal invalid
    /// sequence becomes one U+FFFD, exactly like
    /// [`String::from_utf8_lossy`]. Valid input is not copied (beyond the
    /// inline case); only input that really is invalid allocates.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use ssekit::Str;
    ///
    /// assert_eq!(Str::from_utf8_lossy(Bytes::from_static(b"a\xffb")), "a\u{FFFD}b");
    /// ```
    pub fn from_utf8_lossy(bytes: Bytes) -> Self {
        Self::from_utf8(bytes).unwrap_or_else(|bad| Self::lossy(&bad))
    }

    /// Decodes a value that lies inside `owner` (or anywhere, if `owner` is
    /// `None`) with replacement, sharing `owner`'s storage when the value is
    /// long and valid.
    pub(crate) fn decode(value: &[u8], owner: Option<&Bytes>) -> Self {
        match utf8(value) {
            Some(text) => Self::in_owner(text, owner),
            None => Self::lossy(value),
        }
    }

    /// `text`, inline when short, else a view into `owner` (which it must
    /// lie in) or, without an owner, a copy.
    pub(crate) fn in_owner(text: &str, owner: Option<&Bytes>) -> Self {
        if text.len() <= Self::INLINE_CAPACITY {
            return Self::inline_fitting(text);
        }
        Self(Repr::Shared(match owner {
            Some(owner) => owner.slice_ref(text.as_bytes()),
            None => Bytes::copy_from_slice(text.as_bytes()),
        }))
    }

    fn lossy(bytes: &[u8]) -> Self {
        Self::from(String::from_utf8_lossy(bytes).into_owned())
    }

    /// `text` inline, if it fits.
    fn inline(text: &str) -> Option<Self> {
        (text.len() <= Self::INLINE_CAPACITY).then(|| Self::inline_fitting(text))
    }

    /// `text` inline; it must fit (else this panics). The hot path calls
    /// this under an `if` rather than [`inline`](Self::inline), whose
    /// `Option` costs one more move of the fresh value.
    #[inline(always)]
    fn inline_fitting(text: &str) -> Self {
        // `text.len() <= INLINE_CAPACITY < 256`: the cast cannot truncate.
        let mut inline = Inline { buf: [0; Self::INLINE_CAPACITY], len: text.len() as u8 };
        inline.buf[..text.len()].copy_from_slice(text.as_bytes());
        Self(Repr::Inline(inline))
    }

    /// The string. Free: the bytes were checked when the `Str` was built.
    #[inline]
    pub fn as_str(&self) -> &str {
        assume_utf8(self.as_bytes())
    }

    /// The UTF-8 bytes of the string.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline(Inline { len, buf }) => buf.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Shared(bytes) => bytes,
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes as [`Bytes`]: free for a shared value, one small copy for
    /// an inline one.
    pub fn into_bytes(self) -> Bytes {
        match self.0 {
            Repr::Inline(_) => Bytes::copy_from_slice(self.as_bytes()),
            Repr::Shared(bytes) => bytes,
        }
    }

    /// Whether this value is a view into shared storage (`true`) rather than
    /// stored inline. Useful to check zero-copy behaviour.
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Shared(_))
    }
}

/// `bytes` as a `&str`, if they are valid UTF-8: the one validation every
/// value of the stream goes through.
///
/// Tests first (and cheaply) whether they are ASCII, as most values (JSON
/// above all) are; only the part from the first block that is not ASCII on
/// goes through `core::str::from_utf8`, so a JSON payload with one `é` near
/// its end is not scanned twice.
///
/// With the `simd-utf8` feature, values of 64 bytes and more are checked
/// by `simdutf8::basic::from_utf8` instead, which picks the widest vector
/// instructions the CPU has at run time (below 64 bytes, choosing costs
/// more than it saves).
#[inline]
pub(crate) fn utf8(bytes: &[u8]) -> Option<&str> {
    #[cfg(feature = "simd-utf8")]
    if bytes.len() >= 64 {
        return simdutf8::basic::from_utf8(bytes).is_ok().then(|| assume_utf8(bytes));
    }
    let ascii = ascii_prefix(bytes);
    // `ascii` is the start of a block whose predecessors are all ASCII, so
    // it is a character boundary and the rest validates on its own.
    let rest = bytes.get(ascii..).unwrap_or_default();
    let valid = rest.is_empty() || core::str::from_utf8(rest).is_ok();
    valid.then(|| assume_utf8(bytes))
}

/// The crate's one `unsafe`: bytes known to be UTF-8 as a `&str`.
///
/// Callers: [`utf8`], right after validating `bytes`, and [`Str::as_str`],
/// on the bytes of a `Repr`, which are valid by construction (every
/// constructor in this module starts from a `&str` or from [`utf8`]).
#[allow(unsafe_code)]
#[inline(always)]
fn assume_utf8(bytes: &[u8]) -> &str {
    debug_assert!(core::str::from_utf8(bytes).is_ok(), "not UTF-8: {bytes:x?}");
    // SAFETY: both callers pass valid UTF-8, as the comment above argues:
    // `utf8` has just validated the bytes, and a `Str`'s bytes were
    // validated (or were a `&str`) when it was built and never change.
    unsafe { core::str::from_utf8_unchecked(bytes) }
}

/// The length of a prefix of `bytes` that is all ASCII: `bytes.len()` when
/// they all are, else at most the position of the first byte that is not
/// (the start of the block holding it). For values of a few hundred bytes
/// (JSON deltas) 64-byte blocks OR-ed together, which the compiler turns
/// into a few vector instructions, beat `<[u8]>::is_ascii`; from 1 KiB on
/// the standard library's test is faster.
#[inline]
fn ascii_prefix(bytes: &[u8]) -> usize {
    if bytes.len() >= 1024 && bytes.is_ascii() {
        return bytes.len();
    }
    if bytes.len() < 8 {
        return if bytes.is_ascii() { bytes.len() } else { 0 };
    }
    let mut blocks = bytes.chunks_exact(64);
    let mut done = 0;
    for block in &mut blocks {
        let any = block.chunks_exact(8).fold(0, |acc, word| {
            acc | word.first_chunk().map_or(0, |word| u64::from_le_bytes(*word))
        });
        if any & 0x8080_8080_8080_8080 != 0 {
            return done;
        }
        done += 64;
    }
    if blocks.remainder().is_ascii() {
        bytes.len()
    } else {
        done
    }
}

impl Default for Str {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Str {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Self::inline(&s).unwrap_or_else(|| Self(Repr::Shared(Bytes::from(s))))
    }
}

impl From<Str> for Bytes {
    fn from(s: Str) -> Self {
        s.into_bytes()
    }
}

impl From<Str> for String {
    fn from(s: Str) -> Self {
        Self::from(s.as_str())
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Str {}

/// `Str` equals `str`, `&str` and `String` (either way round) by its bytes.
macro_rules! eq_str {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Str {
            fn eq(&self, other: &$other) -> bool {
                self.as_bytes() == other.as_bytes()
            }
        }
        impl PartialEq<Str> for $other {
            fn eq(&self, other: &Str) -> bool {
                self.as_bytes() == other.as_bytes()
            }
        }
    )*};
}
eq_str!(str, &str, String);

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl hash::Hash for Str {
    fn hash<H: hash::Hasher>(&self, state: &mut H) {
        // Must agree with `str`'s hash, because of `Borrow<str>`.
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}
