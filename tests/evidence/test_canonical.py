"""R14.3: the hashed form is RFC 8785 (JCS), so anyone can recheck a record in any language."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import struct

import pytest

from qinglang.evidence import chain


def test_the_rfc_8785_example_serialises_byte_for_byte() -> None:
    value = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }
    assert chain.canonical_json(value) == (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )


def test_keys_sort_by_utf16_code_units_as_rfc_8785_says() -> None:
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    text = chain.canonical_json({k: 0 for k in keys})
    assert list(json.loads(text)) == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize("bits, expected", [
    ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
    ("4430000000000000", "295147905179352830000"), ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"), ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("41b3de4355555555", "333333333.3333333"),
    ("444b1ae4d6e2ef50", "1e+21"),
])
def test_numbers_print_as_ecmascript_prints_doubles(bits: str, expected: str) -> None:
    """The IEEE-754 samples of RFC 8785 appendix B."""
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert chain.canonical_json(value) == expected


def test_what_postgres_reads_back_hashes_like_what_was_written() -> None:
    """JSONB prints 1e30 as a 31-digit integer and 2.0 as 2.0: both must hash unchanged."""
    written, text = chain.normalise_payload({"big": 1e30, "two": 2.0, "at": dt.datetime(2026, 1, 2, tzinfo=dt.UTC)})
    read_back = {"big": 10**30, "two": 2.0, "at": "2026-01-02T00:00:00.000000Z"}
    assert chain.canonical_json(written) == chain.canonical_json(read_back) == text


def test_a_record_hash_can_be_rechecked_with_the_standard_library_alone() -> None:
    """For payloads without fractions and with BMP keys, JCS is plain sorted compact JSON."""
    created = dt.datetime(2026, 11, 28, 9, 30, 1, 5, tzinfo=dt.UTC)
    fields = dict(seq=12, tag="content:post:removed", subject_type="content", subject_id="41",
                  actor_id=7, payload={"note": "辟谣库命中", "rule_id": "MR-7.6", "n": [1, 2]},
                  created_at=created, prev_hash="ab" * 32)
    document = {**fields, "v": 1, "created_at": "2026-11-28T09:30:01.000005Z"}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert chain.record_hash(**fields) == hashlib.sha256(text.encode()).hexdigest()


def _random_json(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, -1, 7, 2**53, -(2**53), rng.randrange(-10**15, 10**15)])
    if kind == 2:
        exponent = rng.choice([-320, -30, -7, -6, -5, -1, 0, 1, 15, 16, 20, 21, 22, 300])
        return rng.choice([0.0, -0.0, 1.0, 2.5, 0.1 + 0.2]) if rng.random() < 0.3 else \
            rng.uniform(-1, 1) * 10.0 ** exponent
    if kind in (3, 4, 5):
        alphabet = "abc 中文\"\\/\n\t\x01\x1f\x7f\u2028é😀\ue000"
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(8)))
    if kind in (6, 7):
        keys = ["a", "B", "key", "é", "中", "\ue000", "😀", "_", "10", "9"]
        return {rng.choice(keys): _random_json(rng, depth + 1) for _ in range(rng.randrange(5))}
    return [_random_json(rng, depth + 1) for _ in range(rng.randrange(5))]


def test_the_fast_writer_spells_every_payload_exactly_as_the_full_one() -> None:
    """Payloads take a faster path (the json module's C encoder, numbers respelled); whenever it
    answers, it must be byte-for-byte the RFC 8785 text, or chains written by either would not
    verify with the other."""
    rng = random.Random(8785)
    answered = 0
    for _ in range(3000):
        value = {"payload": _random_json(rng), "score": rng.random(), "count": rng.randrange(100)}
        fast = chain._fast_canonical(value, refuse_unsafe=False)
        if fast is not None:
            answered += 1
            assert fast == chain.canonical_json(value)
    assert answered > 1500, "the fast path should answer for most payloads"
