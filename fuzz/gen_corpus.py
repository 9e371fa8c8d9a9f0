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


def vector_objects():
    for path in sorted(VECTORS.glob("*.json")):
        yield from json.loads(path.read_text(encoding="utf-8"))


def vector_input(vector):
    if "input_hex" in vector:
        return bytes.fromhex(vector["input_hex"])
    return vector["input"].encode("utf-8")


def vectors():
    for vector in vector_objects():
        yield vector_input(vector)


# roundtrip: a flag byte (bit 0 strict UTF-8, bit 1 feed_bytes for the whole parse), a Plan,
# then operations (see `Op::read_all` in fuzz/checks.rs).
ROUNDTRIP_HEADERS = (
    bytes([0x00]) + BYTE_BY_BYTE,
    bytes([0x03]) + ALTERNATING_ONE_PER_CHUNK,
    bytes([0x02]) + ZERO_COPY_AT_END,
)

# adapters: AdapterPlan: flags (bits 0-1 the stream's gaps: empty chunk, Pending, transport
# error, all three; bit 2 the reader fails at step `fail_at`; bit 3 the codec decodes one item
# per piece; bit 4 the codec reads the stream twice), four step sizes (0 is a gap), fail_at.
ADAPTER_PLANS = (
    bytes([0x00, 0, 0, 0, 0, 0]),
    bytes([0x11, 3, 0, 7, 1, 0]),
    bytes([0x0A, 5, 2, 0, 64, 0]),
    bytes([0x07, 1, 0, 2, 0, 9]),
)


def text(value):
    """A `ByteReader::text`: a length byte, then the UTF-8 (cut to 255 bytes at a character)."""
    raw = value.encode("utf-8")
    while len(raw) > 255:
        value = value[:-1]
        raw = value.encode("utf-8")
    return bytes([len(raw)]) + raw


def event_op(event_type, data, id_, last_id):
    """An event operation; the id is left out (op bits 4-5 = 0) when it repeats `last_id`."""
    op, out = 0, b""
    if event_type == "message":
        op |= 1 << 2
    elif event_type:
        op |= 2 << 2
        out += text(event_type)
    if id_ is None or id_ == last_id:
        pass
    elif id_ == "":
        op |= 1 << 4
    else:
        op |= 2 << 4
        out += text(id_)
    if data == "":
        op |= 0x40
    else:
        out += text(data)
    return bytes([op]) + out


def comment_op(value):
    return bytes([2]) + text(value)


def retry_op(ms):
    raw = ms.to_bytes(8, "little").rstrip(b"\0")
    return bytes([3, len(raw)]) + raw


def roundtrip_ops(vector):
    """The operations that encode what `vector` parses to: its retry, the text of its comment
    lines (when its input is valid UTF-8) and its events."""
    ops = b""
    if vector.get("retry") is not None:
        ops += retry_op(vector["retry"])
    try:
        lines = vector_input(vector).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        lines = ""
    for line in lines.split("\n"):
        if line.startswith(":"):
            ops += comment_op(line[1:])
    last_id = ""
    for event in vector["events"]:
        ops += event_op(event["type"], event["data"], event["id"], last_id)
        last_id = event["id"]
    return ops


def roundtrip_extras():
    """Operations the vectors do not have: refused types and ids, ids that change and come
    back, data and comments full of line ends, extreme retries."""
    yield event_op("x\ndata: forged", "a", None, "")
    yield event_op("", "a", "1\r\nid: 2", "") + event_op("", "b", "1\0", "")
    yield event_op("t", "1", "a", "") + event_op("t", "2", None, "a") + event_op("t", "3", "", "a")
    yield event_op("", "a\r\nb\rc\nd", "7", "") + event_op("message", "\n\n", None, "7")
    yield event_op("", "", "", "") + event_op("", "\r", "é", "") + event_op("€", " x", "😀", "é")
    yield comment_op(" keep-alive") + comment_op("a\r\nb\r\rc\n") + comment_op("")
    yield retry_op(0) + retry_op(2**64 - 1) + event_op("", "\ufffd\ufeff", "\ufeffid", "")
    # Tokens: 0xF8 CRLF, 0xF9 two LFs, 0xFA CR CRLF, 0xFB U+FFFD, 0xFC-0xFE multi-byte, 0xFF BOM.
    yield bytes([0x00, 8, ord("a"), 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE])
    yield bytes([0x28, 3, ord("a"), 0xFF, 0x80, 4, 0xC3, 0xA9, 0xC3, ord("b")])


def adversary(shape, count, chunk, unit):
    """The `Adversary` header of the limits target, then the unit."""
    return bytes([shape]) + count.to_bytes(2, "little") + bytes([chunk - 1]) + unit


def seeds():
    for index, vector in enumerate(vector_objects()):
        data = vector_input(vector)
        options = (UNLIMITED, STRICT_SMALL, ZERO_COPY_DEFAULTS)[index % 3]
        yield "adapters", options + ADAPTER_PLANS[index % len(ADAPTER_PLANS)] + data
        header = ROUNDTRIP_HEADERS[index % len(ROUNDTRIP_HEADERS)]
        yield "roundtrip", header + roundtrip_ops(vector)
    for ops in roundtrip_extras():
        for header in ROUNDTRIP_HEADERS:
            yield "roundtrip", header + ops
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
