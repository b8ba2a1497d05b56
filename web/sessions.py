"""The web's server-side sessions, in a small SQLite file of its own.

The cookie carries only a random session id; the store keeps its SHA-256, so a copy of the file
lets nobody in. A session holds the role token, who it is for (for the page header), its CSRF token
and when it ends: sign-out deletes the row and expiry (idle, or the role token's own end) refuses
it, so a cookie replayed afterwards finds nothing. A session being signed in holds the sign-in's
state, nonce and PKCE verifier instead, for ten minutes.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SIGN_IN_SECONDS = 600
MAX_SESSION_SECONDS = 12 * 3600  # a role token lives 12 hours at most


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


@dataclass
class Session:
    id: str
    csrf: str
    data: dict = field(default_factory=dict)
    expires_at: float = 0.0

    @property
    def signed_in(self) -> bool:
        return "token" in self.data


class SessionStore:
    def __init__(self, path: str | Path, idle_seconds: float) -> None:
        self.idle = idle_seconds
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("CREATE TABLE IF NOT EXISTS sessions (digest TEXT PRIMARY KEY, csrf TEXT NOT NULL,"
                         " data TEXT NOT NULL, expires_at REAL NOT NULL, hard_end REAL NOT NULL)")

    def create(self, data: dict, *, seconds: float | None = None, hard_end: float | None = None) -> Session:
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), data)
        now = time.time()
        # A pending sign-in ends at its own time; a session at the role token's end (12 h at most).
        end = min(hard_end or now + MAX_SESSION_SECONDS, now + seconds if seconds else now + MAX_SESSION_SECONDS)
        session.expires_at = min(now + (seconds or self.idle), end)
        with self._lock:
            self._db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                             (_digest(session.id), session.csrf, json.dumps(data), session.expires_at, end))
            self._db.execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session of this id (its idle end moved on), or None: unknown, signed out, expired."""
        if not session_id or len(session_id) > 100:
            return None
        now = time.time()
        with self._lock:
            row = self._db.execute("SELECT csrf, data, expires_at, hard_end FROM sessions WHERE digest = ?",
                                   (_digest(session_id),)).fetchone()
            if row is None:
                return None
            if row[2] < now:
                self._db.execute("DELETE FROM sessions WHERE digest = ?", (_digest(session_id),))
                return None
            expires = min(now + self.idle, row[3])
            self._db.execute("UPDATE sessions SET expires_at = ? WHERE digest = ?", (expires, _digest(session_id)))
        return Session(session_id, row[0], json.loads(row[1]), expires)

    def delete(self, session_id: str | None) -> None:
        if session_id:
            with self._lock:
                self._db.execute("DELETE FROM sessions WHERE digest = ?", (_digest(session_id),))
