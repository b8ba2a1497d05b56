"""Crypto-shredding of intake's own history: each person's filed fields are sealed with a data key
of their own (AES-256-GCM), kept in `person_keys` wrapped (AES-GCM) by the master key from the
environment. Erasing a person deletes their data key; the sealed fields in every event (and every
copy of those events) can then never be read again, while the events and their hash chains stay
exactly as they were.

ZC_PERSONAL_DATA_MASTER_KEY is 32 bytes in base64. Only under ZC_DEV_MODE may it be missing: then a
development key (public, in this file) is used, as for the other development secrets.
"""
from __future__ import annotations

import base64
import json
import secrets

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contracts.events import Sealed

_DEV_MASTER_KEY = base64.b64encode(b"zhicheng-dev-only-master-key-32b").decode()
_NONCE_BYTES = 12


def master_key(raw: str | None, dev_mode: bool) -> bytes:
    """The master key from its setting (ZC_PERSONAL_DATA_MASTER_KEY, services/intake/settings.py)."""
    if not raw:
        if not dev_mode:
            raise SystemExit("refusing to start: ZC_PERSONAL_DATA_MASTER_KEY (32 bytes, base64) is not set "
                             "(only ZC_DEV_MODE=1 allows the development key)")
        raw = _DEV_MASTER_KEY
    key = base64.b64decode(raw, validate=True)
    if len(key) != 32:
        raise SystemExit("ZC_PERSONAL_DATA_MASTER_KEY must be 32 bytes in base64")
    return key


def _aad(person_ref: str, what: str) -> bytes:
    return f"zhicheng:{what}:{person_ref}".encode()


class KeyVault:
    """Data keys in intake's `person_keys`, read and written in the caller's transaction."""

    def __init__(self, master_key: bytes) -> None:
        self._master = AESGCM(master_key)

    def _wrap(self, person_ref: str, data_key: bytes) -> bytes:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return nonce + self._master.encrypt(nonce, data_key, _aad(person_ref, "data-key"))

    def _unwrap(self, person_ref: str, wrapped: bytes) -> bytes:
        return self._master.decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], _aad(person_ref, "data-key"))

    async def _data_key(self, conn: asyncpg.Connection, person_ref: str, *, create: bool) -> bytes | None:
        if create:
            await conn.execute("INSERT INTO person_keys (person_ref, wrapped_key) VALUES ($1, $2)"
                               " ON CONFLICT DO NOTHING", person_ref, self._wrap(person_ref, AESGCM.generate_key(256)))
        wrapped = await conn.fetchval("SELECT wrapped_key FROM person_keys WHERE person_ref = $1", person_ref)
        return self._unwrap(person_ref, wrapped) if wrapped is not None else None

    async def seal(self, conn: asyncpg.Connection, person_ref: str, fields: dict) -> Sealed:
        key = await self._data_key(conn, person_ref, create=True)
        nonce = secrets.token_bytes(_NONCE_BYTES)
        plain = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str).encode()
        cipher = AESGCM(key).encrypt(nonce, plain, _aad(person_ref, "fields"))
        return Sealed(person_ref=person_ref, nonce=base64.b64encode(nonce).decode(),
                      ciphertext=base64.b64encode(cipher).decode())

    async def unseal(self, conn: asyncpg.Connection, sealed: Sealed) -> dict | None:
        """The sealed fields, or None once the person's data key is deleted (erased)."""
        key = await self._data_key(conn, sealed.person_ref, create=False)
        if key is None:
            return None
        plain = AESGCM(key).decrypt(base64.b64decode(sealed.nonce), base64.b64decode(sealed.ciphertext),
                                    _aad(sealed.person_ref, "fields"))
        return json.loads(plain)

    async def seal_bytes(self, conn: asyncpg.Connection, person_ref: str, data: bytes, what: str) -> bytes:
        """`data` sealed with the person's data key (nonce + ciphertext): documents and drafts."""
        key = await self._data_key(conn, person_ref, create=True)
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return nonce + AESGCM(key).encrypt(nonce, data, _aad(person_ref, what))

    async def open_bytes(self, conn: asyncpg.Connection, person_ref: str, sealed: bytes, what: str) -> bytes | None:
        """What `seal_bytes` sealed, or None once the person is erased."""
        key = await self._data_key(conn, person_ref, create=False)
        if key is None:
            return None
        return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _aad(person_ref, what))

    async def erase(self, conn: asyncpg.Connection, person_ref: str) -> bool:
        """Delete the person's data key: True if there was one."""
        return await conn.execute("DELETE FROM person_keys WHERE person_ref = $1", person_ref) == "DELETE 1"
