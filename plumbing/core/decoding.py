"""The only way a Kafka record's bytes become an Envelope: bounded in size and nesting depth.

FastStream is told not to decode anything (plumbing/edges/kafka.py hands us the raw bytes), so whatever
a producer wrote (a tombstone, control bytes, JSON nested 5,000 levels deep, 10 MB of text) reaches
this function and fails here with a `BadRecord`, which the consumer sends to the dead-letter path.
"""
from __future__ import annotations

import hashlib
import json

from pydantic import ValidationError

from contracts.envelope import Envelope
from contracts.limits import (DEAD_LETTER_ERROR_CHARS, DEAD_LETTER_PREVIEW_BYTES, JSON_MAX_DEPTH,
                              RECORD_MAX_BYTES)


class BadRecord(ValueError):
    """A record that can never be processed, whatever is retried: it goes to the dead letters."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def depth_exceeds(value: object, limit: int) -> bool:
    """True when `value` (parsed JSON) nests lists/dicts deeper than `limit`. Iterative, linear in
    the number of containers: no recursion, no regular expression to go quadratic."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def decode_json(raw: bytes | None, *, max_bytes: int = RECORD_MAX_BYTES, max_depth: int = JSON_MAX_DEPTH) -> object:
    if raw is None:
        raise BadRecord("TOMBSTONE", "the record has no value (a tombstone)")
    if len(raw) > max_bytes:
        raise BadRecord("TOO_LARGE", f"{len(raw)} bytes, more than {max_bytes}")
    try:
        text = raw.decode("utf-8")  # strictly: json.loads(bytes) would guess UTF-16 from a BOM
    except UnicodeDecodeError as exc:
        raise BadRecord("NOT_UTF8", str(exc)) from None
    try:
        data = json.loads(text)
    except RecursionError:  # the C parser gives up near Python's recursion limit, cleanly
        raise BadRecord("TOO_DEEP", f"JSON nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise BadRecord("NOT_JSON", str(exc)) from None
    if depth_exceeds(data, max_depth):
        raise BadRecord("TOO_DEEP", f"JSON nested deeper than {max_depth} levels")
    return data


def decode_envelope(raw: bytes | None) -> Envelope:
    data = decode_json(raw)
    if not isinstance(data, dict):
        raise BadRecord("NOT_AN_ENVELOPE", f"a JSON {type(data).__name__}, not an object")
    try:
        return Envelope.model_validate(data)
    except ValidationError as exc:
        raise BadRecord("NOT_AN_ENVELOPE", str(exc)) from None


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def describe(value: bytes | None) -> dict:
    """What a dead letter says about a record: its length, hash and a short printable preview.
    Never the record itself (see contracts/limits.py)."""
    if value is None:
        return {"length": None, "sha256": None, "preview": None}
    return {"length": len(value), "sha256": hashlib.sha256(value).hexdigest(),
            "preview": _printable(value[:DEAD_LETTER_PREVIEW_BYTES].decode("utf-8", "replace"))}


def short_error(error: str) -> str:
    error = _printable(error)
    return error if len(error) <= DEAD_LETTER_ERROR_CHARS else error[:DEAD_LETTER_ERROR_CHARS] + "…"
