//! `Str`, the string events are made of: the UTF-8 check it is built
//! through, inline and shared storage, and that it behaves as a `str`.
//!
//! These run under Miri in CI: `Str::as_str` is where the crate's one
//! `unsafe` (in `src/text.rs`) is used.

use bytes::Bytes;
use proptest::strategy::Strategy;
use ssekit::Str;
use std::hash::BuildHasher;

#[test]
fn the_utf8_check_agrees_with_std_around_every_block_boundary() {
    // A character of each length, valid or cut short, or a stray byte, at
    // every position across the 8-byte, 64-byte and 1 KiB thresholds of the
    // ASCII prefix test.
    let cases: [&[u8]; 8] = [
        b"\xC3\xA9",
        "\u{20AC}".as_bytes(),
        "\u{1F600}".as_bytes(),
        b"\xC3",
        b"\xE2\x82",
        b"\xF0\x9F\x98",
        b"\x80",
        b"\xFF",
    ];
    // (Under Miri, which checks the `unsafe` that relies on this, a sample.)
    let lens: &[usize] = if cfg!(miri) {
        &[0, 9, 65, 1030]
    } else {
        &[0, 1, 7, 8, 9, 63, 64, 65, 130, 1023, 1024, 1100]
    };
    for &len in lens {
        let near = |at: usize| {
            if cfg!(miri) {
                len - at < 2 || at < 2
            } else {
                at % 61 < 3 || len - at < 3 || at < 10
            }
        };
        for at in (0..=len).filter(|&at| near(at)) {
            for case in cases {
                let mut bytes = vec![b'a'; len];
                bytes.splice(at..at, case.iter().copied());
                let std = std::str::from_utf8(&bytes).ok();
                let ours = Str::from_utf8(Bytes::from(bytes.clone()));
                assert_eq!(ours.as_deref().ok(), std, "len {len}, at {at}, {case:x?}");
                let lossy = Str::from_utf8_lossy(Bytes::from(bytes.clone()));
                assert_eq!(lossy, *String::from_utf8_lossy(&bytes), "len {len}, at {at}");
            }
        }
    }
}

#[test]
fn the_utf8_check_agrees_with_std_on_runs_of_non_ascii() {
    // Runs of non-ASCII characters of every length (across the 8- and
    // 64-byte blocks of the ASCII test), valid or broken at their start,
    // middle or end, alone or between ASCII, with ASCII after them or not.
    let chars = ["\u{E9}", "\u{65E5}", "\u{1F680}"];
    let breaks: [&[u8]; 4] = [b"", b"\x80", b"\xE6\x97", b"\xFF"];
    let lens: &[usize] =
        if cfg!(miri) { &[1, 22] } else { &[1, 2, 15, 16, 21, 22, 33, 64, 65, 200] };
    for ch in chars {
        for &n in lens {
            let run = ch.repeat(n).into_bytes();
            for brk in breaks {
                for cut in [0, run.len() / 2, run.len()] {
                    for (head, tail) in [("", ""), ("ab", ""), ("", "z"), ("x y", " w \u{E9}v")] {
                        let mut bytes = head.as_bytes().to_vec();
                        bytes.extend_from_slice(&run[..cut]);
                        bytes.extend_from_slice(brk);
                        bytes.extend_from_slice(&run[cut..]);
                        bytes.extend_from_slice(tail.as_bytes());
                        let std = std::str::from_utf8(&bytes).ok();
                        let ours = Str::from_utf8(Bytes::from(bytes.clone()));
                        assert_eq!(ours.as_deref().ok(), std, "{bytes:x?}");
                    }
                }
            }
        }
    }
}

#[test]
fn short_values_are_inline_and_long_ones_share_their_bytes() {
    let cap = Str::INLINE_CAPACITY;
    let owner = Bytes::from(vec![b'a'; 100]);
    let short = Str::from_utf8(owner.slice(..cap)).unwrap();
    assert!(!short.is_shared());
    let long = Str::from_utf8(owner.slice(..cap + 1)).unwrap();
    assert!(long.is_shared());
    assert_eq!(long.as_bytes().as_ptr(), owner.as_ptr());
    assert_eq!(long.len(), cap + 1);
    assert_eq!(long.into_bytes().as_ptr(), owner.as_ptr());
    assert_eq!(Str::from("x".repeat(cap + 1)).len(), cap + 1);
}

#[test]
fn a_str_is_48_bytes_and_holds_a_uuid_inline() {
    // A tag word, then 38 inline bytes + length, aligned like the `Bytes`.
    assert_eq!(size_of::<Str>(), 48);
    assert!(!Str::new("123e4567-e89b-12d3-a456-426614174000").is_shared());
}

#[test]
fn invalid_bytes_are_replaced_per_maximal_subsequence() {
    for (raw, want) in [
        (&b"\xf0\x9f\x98"[..], "\u{FFFD}"),
        (b"\xc0\xaf", "\u{FFFD}\u{FFFD}"),
        (b"\xed\xa0\x80", "\u{FFFD}\u{FFFD}\u{FFFD}"),
        (b"a\xffb", "a\u{FFFD}b"),
    ] {
        assert_eq!(Str::from_utf8_lossy(Bytes::from_static(raw)), want, "{raw:?}");
    }
    let long_bad: Vec<u8> = [b'x'; 40].iter().chain(b"\xff").copied().collect();
    assert_eq!(Str::from_utf8_lossy(Bytes::from(long_bad)).len(), 43);
}

#[test]
fn equality_order_hash_and_formatting_follow_str() {
    let long = "x".repeat(50);
    let a = Str::from(long.clone());
    assert_eq!(a, long.as_str());
    assert_eq!(a, long);
    assert_eq!(Str::new("b"), Str::from(String::from("b")));
    assert!(Str::new("a") < Str::new("b"));
    assert_eq!(Str::default(), "");
    assert!(Str::EMPTY.is_empty());
    assert_eq!(format!("{a}"), long);
    assert_eq!(format!("{:?}", Str::new("a\"b")), "\"a\\\"b\"");
    // `Borrow<str>`: a `Str` and its `str` must hash alike.
    let state = std::collections::hash_map::RandomState::new();
    for s in [Str::new("short"), a] {
        let text: &str = &s;
        assert_eq!(state.hash_one(&s), state.hash_one(text));
        let mut set = std::collections::HashSet::new();
        set.insert(s.clone());
        assert!(set.contains(text));
    }
}

proptest::proptest! {
    /// Any mix of ASCII, whole characters and stray bytes: the check says
    /// what the standard library says.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn the_utf8_check_agrees_with_std_on_any_mix(
        parts in proptest::collection::vec(
            proptest::prop_oneof![
                4 => proptest::string::string_regex("[a-z ]{0,70}").unwrap().prop_map(String::into_bytes),
                3 => proptest::string::string_regex("[\u{E9}\u{65E5}\u{1F680}\u{20AC}]{1,40}").unwrap().prop_map(String::into_bytes),
                1 => proptest::collection::vec(0x80u8..=0xFF, 1..4),
            ],
            0..12,
        )
    ) {
        let bytes = parts.concat();
        let std = std::str::from_utf8(&bytes).ok();
        let ours = Str::from_utf8(Bytes::from(bytes.clone()));
        proptest::prop_assert_eq!(ours.as_deref().ok(), std);
    }
}
