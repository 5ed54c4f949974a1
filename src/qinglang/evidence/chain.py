"""The hash chain itself: canonical serialisation, record hashes and the verification walk.

Pure functions, no database: a third party can check an export with this module alone (or with
any RFC 8785 implementation, see docs/evidence.md).

Canonical form is RFC 8785 (JSON Canonicalization Scheme): keys sorted by UTF-16 code units,
no insignificant whitespace, strings minimally escaped, numbers as ECMAScript prints doubles.
We chose JCS over "Python's json.dumps with sort_keys" because an auditor will not be using
Python, and JCS has implementations in most languages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from json.encoder import encode_basestring as _escape  # type: ignore[attr-defined]
from typing import Any

import orjson

FORMAT_VERSION = 1
GENESIS_HASH = "0" * 64
# Beyond 2**53 a JSON number stops being an exact integer for most readers (JCS parses doubles).
MAX_SAFE_INTEGER = 2**53
# How far a reordered record is searched for when its hash only fits another position.
REORDER_WINDOW = 1024


def canonical_timestamp(value: dt.datetime) -> str:
    """UTC, microseconds always written: the one spelling of an instant that gets hashed."""
    if value.tzinfo is None:
        raise ValueError("naive datetime in evidence; use qinglang.db.utcnow()")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    """RFC 8785 text of ``value``. Refuses what would not survive storage and re-reading."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


class CanonicalText(str):
    """JSON text already in canonical form: written verbatim, so a payload serialised once for
    storage is not serialised again for its hash."""


def _write(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind is CanonicalText:
        out.append(value)
    elif kind is str:
        if "\x00" in value:
            raise ValueError("NUL characters cannot be stored in PostgreSQL JSON")
        # The C escaper behind json.dumps(ensure_ascii=False): exactly JCS's minimal escaping.
        out.append(_escape(value))
    elif kind is dict:
        out.append("{")
        # Code-point order equals UTF-16 order unless a key leaves ASCII: skip the re-encoding.
        keys = sorted(value) if all(type(k) is str and k.isascii() for k in value) else sorted(value, key=_utf16_order)
        for n, key in enumerate(keys):
            if n:
                out.append(",")
            _write(key, out)
            out.append(":")
            _write(value[key], out)
        out.append("}")
    elif kind is list or kind is tuple:
        out.append("[")
        for n, element in enumerate(value):
            if n:
                out.append(",")
            _write(element, out)
        out.append("]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, Enum):
        _write(value.value, out)
    elif isinstance(value, int | float):
        out.append(_number(value))
    elif isinstance(value, str | dict | list | tuple):
        _write(_plain(value), out)
    elif isinstance(value, dt.datetime):
        _write(canonical_timestamp(value), out)
    elif isinstance(value, dt.date):
        _write(value.isoformat(), out)
    else:
        raise ValueError(f"evidence payloads hold JSON values only, not {type(value).__name__}")


def _plain(value: Any) -> Any:
    """Subclasses (a StrEnum member, an OrderedDict) written as their plain JSON type."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return dict(value)
    return list(value)


def _utf16_order(key: Any) -> bytes:
    if not isinstance(key, str):
        raise ValueError(f"evidence payload keys must be strings, not {type(key).__name__}")
    return key.encode("utf-16-be", "surrogatepass")


def _number(value: int | float) -> str:
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return str(value)
        # Only reached when re-reading: PostgreSQL's JSONB prints 1e30 as a 31-digit integer.
        value = float(value)
    if not math.isfinite(value):
        raise ValueError("NaN and infinities are not JSON")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr() gives the shortest digits that round-trip, the same digits ECMAScript picks.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exponent, int)
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = k + exponent
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        mantissa = digits[0] + (f".{digits[1:]}" if k > 1 else "")
        text = f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return sign + text


def normalise_payload(payload: dict[str, Any]) -> tuple[dict[str, Any], CanonicalText]:
    """The payload as it will read back from either database, and its canonical text, so that
    what is hashed is what is stored (tuples become lists, 2.0 becomes 2, datetimes text)."""
    if not isinstance(payload, dict):
        raise ValueError("an evidence payload is a JSON object")
    text = _fast_canonical(payload, refuse_unsafe=True)
    if text is not None:
        stored = orjson.loads(text)
        # Equal unless something was bent to fit JSON (integer keys, tuples): let the full
        # writer refuse or spell those.
        if stored == payload:
            return stored, CanonicalText(text)
    _check_safe_integers(payload)
    text = canonical_json(payload)
    return json.loads(text), CanonicalText(text)


def payload_text(payload: dict[str, Any], *, new: bool = False) -> CanonicalText:
    """The canonical text of a payload (no ``CanonicalText`` inside). A ``new`` payload may not
    hold integers beyond ``MAX_SAFE_INTEGER``; a stored one may (PostgreSQL prints a stored 1e30
    as 31 digits), and they are spelled as the double they were."""
    text = _fast_canonical(payload, refuse_unsafe=new)
    if text is None:
        if new:
            _check_safe_integers(payload)
        text = canonical_json(payload)
    return CanonicalText(text)


# A JSON string (skipped whole) or a number, in text the json module wrote.
_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?')
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Where a number written by the json module may differ from its JCS spelling: an integral float
# (2.0), an exponent (1e-07, 1e+16), or sixteen digits or more. Looked for with the strings
# blanked out: hex digests and dates in strings would match it in nearly every payload.
_RESPELL = re.compile(r"\d\.0(?!\d)|\d[eE]|\d{16}")
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')


def _fast_canonical(value: Any, *, refuse_unsafe: bool) -> str | None:
    """The same text as ``canonical_json`` for the usual payload, about five times faster: the
    json module's C encoder, then each number respelled the JCS way (``0.0`` → ``0``, ``1e-07`` →
    ``1e-7``). None when only the full writer can tell: other types, NUL characters, or astral
    characters, where code-point key order may differ from JCS's UTF-16 order."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False,
                          default=_not_plain_json)
    except (TypeError, ValueError):
        return None
    if "\\u0000" in text or (not text.isascii() and _ASTRAL.search(text)):
        return None
    if not _RESPELL.search(_STRING.sub('""', text)):
        # No number that JCS spells differently (or that could be unsafe): the text is final.
        return text
    return _TOKEN.sub(_jcs_number_refusing_unsafe if refuse_unsafe else _jcs_number, text)


def _not_plain_json(value: Any) -> Any:
    raise TypeError(type(value).__name__)


def _jcs_number(match: re.Match[str]) -> str:
    token = match.group()
    if token[0] == '"':
        return token
    if "." in token or "e" in token or "E" in token:
        return _number(float(token))
    return _number(int(token)) if len(token) > 15 else token


def _jcs_number_refusing_unsafe(match: re.Match[str]) -> str:
    token = match.group()
    if token[0] != '"' and len(token) > 15 and token.lstrip("-").isdigit() and abs(int(token)) > MAX_SAFE_INTEGER:
        raise ValueError(f"integer {token} is too large for JSON readers; store it as a string")
    return _jcs_number(match)


def _check_safe_integers(value: Any) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
        raise ValueError(f"integer {value} is too large for JSON readers; store it as a string")
    if isinstance(value, dict):
        for element in value.values():
            _check_safe_integers(element)
    elif isinstance(value, list | tuple):
        for element in value:
            _check_safe_integers(element)


@dataclass(frozen=True)
class Link:
    """One stored record, exactly the fields that are hashed plus the stored hash."""

    seq: int
    tag: str
    subject_type: str
    subject_id: str
    actor_id: int | None
    payload: dict[str, Any]
    created_at: dt.datetime
    prev_hash: str
    hash: str

    def computed_hash(self, seq: int | None = None) -> str:
        return record_hash(
            seq=self.seq if seq is None else seq,
            tag=self.tag,
            subject_type=self.subject_type,
            subject_id=self.subject_id,
            actor_id=self.actor_id,
            payload=self.payload,
            created_at=self.created_at,
            prev_hash=self.prev_hash,
        )


def hash_document(
    *,
    seq: int,
    tag: str,
    subject_type: str,
    subject_id: str,
    actor_id: int | None,
    payload: dict[str, Any] | CanonicalText,
    created_at: dt.datetime,
    prev_hash: str,
) -> dict[str, Any]:
    """The object whose canonical JSON is hashed; ``v`` names this layout."""
    return {
        "v": FORMAT_VERSION,
        "seq": seq,
        "tag": tag,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "actor_id": actor_id,
        "payload": payload,
        "created_at": canonical_timestamp(created_at),
        "prev_hash": prev_hash,
    }


def record_hash(**fields: Any) -> str:
    if type(fields["payload"]) is not CanonicalText:
        fields["payload"] = payload_text(fields["payload"])
    text = canonical_json(hash_document(**fields))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # "modified", "removed" or "reordered"
    message: str


@dataclass(frozen=True)
class Walk:
    count: int
    first: Link | None
    last_seq: int
    last_hash: str
    problem: Problem | None


def walk(links: Iterable[Link], *, start_seq: int, start_hash: str, head_seq: int, head_hash: str) -> Walk:
    """Check that ``links`` (ordered by seq) continue the chain from (start_seq, start_hash) to
    the recorded head. Stops at the first problem: later ones may be its consequences."""
    expected_seq, expected_prev = start_seq + 1, start_hash
    count, first = 0, None
    for link in links:
        problem = _check(link, expected_seq, expected_prev)
        if problem is not None:
            return Walk(count, first, expected_seq - 1, expected_prev, problem)
        count += 1
        first = first or link
        expected_seq, expected_prev = link.seq + 1, link.hash
    last_seq = expected_seq - 1
    problem = None
    if last_seq < head_seq:
        problem = Problem(
            last_seq + 1,
            "removed",
            f"records #{last_seq + 1}..#{head_seq} are missing: the chain head records #{head_seq}",
        )
    elif last_seq > head_seq or expected_prev != head_hash:
        problem = Problem(
            last_seq,
            "modified",
            f"the last record #{last_seq} does not match the chain head (#{head_seq} {head_hash[:12]}…)",
        )
    return Walk(count, first, last_seq, expected_prev, problem)


def _check(link: Link, expected_seq: int, expected_prev: str) -> Problem | None:
    if link.seq != expected_seq:
        gap = f"#{expected_seq}" if link.seq == expected_seq + 1 else f"#{expected_seq}..#{link.seq - 1}"
        return Problem(expected_seq, "removed", f"record {gap} is missing (sequence gap)")
    if link.computed_hash() != link.hash:
        moved_from = _original_position(link)
        if moved_from is not None:
            return Problem(link.seq, "reordered", f"record #{link.seq} was written as #{moved_from} and moved")
        return Problem(
            link.seq,
            "modified",
            f"record #{link.seq} does not match its hash: its content was changed",
        )
    if link.prev_hash != expected_prev:
        return Problem(
            link.seq,
            "removed",
            f"record #{link.seq} does not follow the record before it (prev_hash "
            f"mismatch): a record was removed and the rest renumbered, or replaced",
        )
    return None


def _original_position(link: Link) -> int | None:
    for distance in range(1, REORDER_WINDOW + 1):
        for seq in (link.seq - distance, link.seq + distance):
            if seq >= 1 and link.computed_hash(seq) == link.hash:
                return seq
    return None
