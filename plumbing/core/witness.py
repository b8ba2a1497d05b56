"""What a service tells the audit topic about its log, and how an auditor checks it (pure).

Two kinds of record, both queued in the service's outbox and published to `<prefix>.audit.v1`:
- an **AuditLink** per appended event: (service, stream, version, hash, global position), queued by
  the append itself, so a link exists for every committed event and for nothing else;
- an **AuditCheckpoint** now and then: the Merkle root over the latest hash of every stream at the
  store's gap-free cut-off, the number of events and streams under it, and the previous checkpoint's
  hash, signed with the service's Ed25519 key.

The database is not trusted to witness itself: a login that can rewrite a stream and recompute its
hashes cannot take back what the topic already holds, nor sign a checkpoint without the key, nor
make an old checkpoint's root agree with rewritten history.
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from plumbing.settings import AuditSettings

GENESIS = "0" * 64
LINK = "AuditLink"
CHECKPOINT = "AuditCheckpoint"
READ = "PersonalDataRead"


def canonical(value: dict) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def merkle_root(heads: list[tuple[str, int, str]]) -> str:
    """Root over (stream, latest version, its hash), sorted by stream; leaves and nodes are
    domain-separated (0x00 / 0x01) so that a node can never pass for a leaf."""
    level = [_sha(b"\x00" + f"{s}\n{v}\n{h}".encode()) for s, v, h in sorted(heads)]
    if not level:
        return GENESIS
    while len(level) > 1:
        paired = [_sha(b"\x01" + level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = paired + ([level[-1]] if len(level) % 2 else [])
    return level[0].hex()


@dataclass(frozen=True)
class Checkpoint:
    service: str
    seq: int
    tx_id: int           # the cut-off: every event at or before (tx_id, position) in the global order
    position: int
    events: int
    streams: int
    root: str
    prev: str            # the previous checkpoint's hash (GENESIS for the first)
    signed_at: str       # recorded time, ISO 8601
    key_id: str

    def body(self) -> dict:
        return asdict(self)

    @property
    def hash(self) -> str:
        return hashlib.sha256(canonical(self.body()).encode()).hexdigest()


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> dict:
    """The record published: the body, its hash and the signature over the canonical body."""
    signature = key.sign(canonical(checkpoint.body()).encode())
    return {"record": CHECKPOINT, **checkpoint.body(), "hash": checkpoint.hash,
            "signature": base64.b64encode(signature).decode()}


def checkpoint_of(record: dict) -> Checkpoint:
    fields = Checkpoint.__dataclass_fields__
    return Checkpoint(**{name: record[name] for name in fields})


def signature_valid(record: dict, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(base64.b64decode(record["signature"]), canonical(checkpoint_of(record).body()).encode())
        return True
    except (InvalidSignature, KeyError, ValueError, TypeError):
        return False


def link(service: str, stream_id: str, version: int, digest: str, tx_id: int, position: int) -> dict:
    return {"record": LINK, "service": service, "stream_id": stream_id, "stream_version": version,
            "hash": digest, "tx_id": tx_id, "position": position}


# Keys: a service signs with ZC_AUDIT_SIGNING_KEY (base64 of the 32-byte Ed25519 seed); an auditor
# verifies with the public keys it is given (ZC_AUDIT_PUBLIC_KEYS), never with keys a service serves.
def private_key(seed_b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed_b64))


def dev_seed(service: str) -> str:
    """The development signing key of a service: public (derived from its name), ZC_DEV_MODE only."""
    return base64.b64encode(_sha(f"zc-dev-audit-signing-key:{service}".encode())).decode()


def public_b64(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def key_id(public_key_b64: str) -> str:
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:16]


def public_key(b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(b64))


def signing_key(service: str, dev_mode: bool) -> Ed25519PrivateKey:
    seed = AuditSettings.current().audit_signing_key
    if seed:
        return private_key(seed)
    if not dev_mode:
        raise SystemExit(f"refusing to start: no ZC_AUDIT_SIGNING_KEY for {service!r} (the base64 of a 32-byte "
                         "Ed25519 seed, e.g. from `zc audit keygen`); the development key is for ZC_DEV_MODE=1 only")
    return private_key(dev_seed(service))


def parse_public_keys(text: str) -> dict[str, str]:
    """`intake=BASE64,eligibility=BASE64,...` (commas or newlines) -> {service: base64}."""
    pairs = (item.split("=", 1) for item in text.replace("\n", ",").split(",") if "=" in item)
    return {name.strip(): value.strip() for name, value in pairs}
