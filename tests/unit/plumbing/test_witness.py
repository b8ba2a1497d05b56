"""What services witness on the audit topic, and the auditor's check of it, without I/O."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings, strategies as st

from contracts.envelope import SYSTEM_ACTOR, Envelope
from plumbing.core import witness
from plumbing.core.audit_verify import verify
from plumbing.core.eventstore import GENESIS_HASH, Position, Stored, chain_hash

heads = st.lists(st.tuples(st.text(min_size=1, max_size=8), st.integers(1, 50), st.text("0123456789abcdef", min_size=64,
                                                                                         max_size=64)),
                 min_size=1, max_size=30, unique_by=lambda h: h[0])


@settings(deadline=None)  # a shared machine's pauses are not the property's failures
@given(heads, st.data())
def test_the_merkle_root_changes_when_any_stream_head_changes_and_not_with_their_order(hs, data):
    assert witness.merkle_root(list(reversed(hs))) == witness.merkle_root(hs)
    i = data.draw(st.integers(0, len(hs) - 1))
    stream, version, digest = hs[i]
    changed = hs[:i] + [(stream, version + 1, digest)] + hs[i + 1:]
    assert witness.merkle_root(changed) != witness.merkle_root(hs)
    assert witness.merkle_root(hs[:i] + hs[i + 1:]) != witness.merkle_root(hs)


def _log(service: str, key: Ed25519PrivateKey, n: int = 3):
    """n events of one stream, their links and one checkpoint over all of them."""
    events, prev = [], GENESIS_HASH
    now = datetime(2020, 8, 1, tzinfo=UTC)
    for v in range(1, n + 1):
        env = Envelope(event_type="ApplicationWithdrawn", stream_id="s", stream_version=v, occurred_at=now,
                       recorded_at=now, actor=SYSTEM_ACTOR, correlation_id=uuid.uuid4(), payload={"n": v})
        digest = chain_hash(prev, env)
        events.append(Stored(env, Position(100, v), prev, digest))
        prev = digest
    links = [witness.link(service, "s", s.envelope.stream_version, s.hash, 100, s.position.position) for s in events]
    checkpoint = witness.Checkpoint(service, 1, 100, n, n, 1, witness.merkle_root([("s", n, prev)]), witness.GENESIS,
                                    now.isoformat(), "k")
    return events, links + [witness.sign(checkpoint, key)]


def test_an_intact_log_has_no_findings_and_a_foreign_key_breaks_every_signature():
    key = Ed25519PrivateKey.generate()
    events, records = _log("intake", key)
    assert verify("intake", records, events, key.public_key())[0] == []
    found, _ = verify("intake", records, events, Ed25519PrivateKey.generate().public_key())
    assert [f.what for f in found] == ["checkpoint-signature"]


def test_a_checkpoint_whose_body_was_edited_after_signing_is_refused():
    key = Ed25519PrivateKey.generate()
    events, records = _log("intake", key)
    records[-1] = {**records[-1], "events": 2}
    assert "checkpoint-signature" in {f.what for f in verify("intake", records, events, key.public_key())[0]}


def test_an_event_whose_link_is_still_in_the_outbox_is_pending_not_broken():
    key = Ed25519PrivateKey.generate()
    events, records = _log("intake", key)
    records = [r for r in records if r.get("stream_version") != 3]
    assert [f.what for f in verify("intake", records, events, key.public_key())[0]] == ["unwitnessed"]
    assert verify("intake", records, events, key.public_key(), pending={("s", 3)})[0] == []


def test_the_development_keys_are_derived_per_service_and_configured_keys_parse():
    a, b = (witness.public_b64(witness.private_key(witness.dev_seed(s))) for s in ("intake", "review"))
    assert a != b
    assert witness.parse_public_keys(f"intake={a}\nreview={b}") == {"intake": a, "review": b}
