#!/usr/bin/env python3
"""Generates the seed corpus of every fuzz target from ../spec-vectors/*.json.

Usage: python3 fuzz/gen_corpus.py   (from anywhere; rewrites fuzz/corpus/<target>/seed-*)

Each seed is a vector's input behind the option bytes its target reads first (see
fuzz/checks.rs: Options, Plan, Adversary), in a few variants. Files are named
"seed-" + the SHA-1 of their content, so running this again changes nothing unless the
vectors or the variants change; files with other names (e.g. a minimized campaign corpus)
are left alone.
"""

import hashlib
import json
import pathlib

FUZZ = pathlib.Path(__file__).resolve().parent
VECTORS = FUZZ.parent / "spec-vectors"

# Options: flags (bit 0 comments, bit 1 strict UTF-8, bit 2 feed_bytes), line limit, event
# limit (0x00..=0xBF literal, 0xC0 = usize::MAX, 0xC1/0xC2 = the defaults).
UNLIMITED = bytes([0x00, 0xC0, 0xC0])
STRICT_SMALL = bytes([0x03, 16, 32])
ZERO_COPY_DEFAULTS = bytes([0x05, 0xC1, 0xC2])

# Plan: mode (bits 0-1 push path, bits 2-3 pull pattern), then four chunk sizes.
BYTE_BY_BYTE = bytes([0x00, 0, 0, 0, 0])
ALTERNATING_ONE_PER_CHUNK = bytes([0x06, 3, 0, 7, 1])
ZERO_COPY_AT_END = bytes([0x09, 5, 2, 11, 64])


def vectors():
    for path in sorted(VECTORS.glob("*.json")):
        for vector in json.loads(path.read_text(encoding="utf-8")):
            if "input_hex" in vector:
                yield bytes.fromhex(vector["input_hex"])
            else:
                yield vector["input"].encode("utf-8")


def adversary(shape, count, chunk, unit):
    """The `Adversary` header of the limits target, then the unit."""
    return bytes([shape]) + count.to_bytes(2, "little") + bytes([chunk - 1]) + unit


def seeds():
    inputs = list(vectors())
    for data in inputs:
        for options in (UNLIMITED, STRICT_SMALL, ZERO_COPY_DEFAULTS):
            yield "parse", options + data
            yield "differential", options + data
        yield "chunked", UNLIMITED + BYTE_BY_BYTE + data
        yield "chunked", STRICT_SMALL + ALTERNATING_ONE_PER_CHUNK + data
        yield "chunked", ZERO_COPY_DEFAULTS + ZERO_COPY_AT_END + data
        # Every vector as a repeated event (shape 5) under tiny limits.
        yield "limits", bytes([0x00, 24, 40]) + adversary(5, 200, 7, data)
    tiny = bytes([0x00, 12, 24])
    tiny_zero_copy = bytes([0x05, 40, 60])
    for options in (tiny, tiny_zero_copy):
        yield "limits", options + adversary(0, 5000, 13, b"data: abc\r\n")
        yield "limits", options + adversary(1, 20000, 3, b"long line ")
        yield "limits", options + adversary(2, 30000, 64, b"\x00\x01\x02")
        yield "limits", options + adversary(3, 20000, 256, b"keep-alive")
        yield "limits", options + adversary(4, 8000, 1, b"id: 0123456789abcdefghijklmnopq")
        yield "limits", options + adversary(4, 8000, 9, b"event: a-rather-long-event-name")
        yield "limits", options + adversary(4, 8000, 9, b"data: \xff\xfe\xfd\xfc\xfb\xfa")
        yield "limits", options + adversary(5, 3000, 100, b"data: x\ndata: y")


def main():
    written = {}
    for target, data in seeds():
        directory = FUZZ / "corpus" / target
        directory.mkdir(parents=True, exist_ok=True)
        name = "seed-" + hashlib.sha1(data).hexdigest()
        (directory / name).write_bytes(data)
        written.setdefault(target, set()).add(name)
    for target, names in sorted(written.items()):
        directory = FUZZ / "corpus" / target
        for stale in directory.glob("seed-*"):
            if stale.name not in names:
                stale.unlink()
        print(f"corpus/{target}: {len(names)} seeds")


if __name__ == "__main__":
    main()
