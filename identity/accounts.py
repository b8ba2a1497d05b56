"""The accounts file: the provider's subject → the account a role token is issued for.

Operator data: who is a unit's HR officer, an applicant's ID number (turned into `person_ref` here,
never kept in a token in the clear). The file is read at start; `ZC_ACCOUNTS_FILE` points at another.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from contracts.envelope import Role
from plumbing.settings import ProcessSettings

DEFAULT_FILE = Path(__file__).with_name("accounts.json")


@dataclass(frozen=True)
class Account:
    subject: str
    username: str
    password: str  # the development provider's password; not used by the token service
    uid: str
    name: str
    role: Role
    org: str = ""
    area: str = ""
    id_number: str = ""


def load_accounts(path: str | Path | None = None) -> dict[str, Account]:
    """Accounts by subject."""
    raw = json.loads(Path(path or ProcessSettings.current().accounts_file or DEFAULT_FILE).read_text(encoding="utf-8"))
    accounts = [Account(**{**a, "role": Role(a["role"])}) for a in raw["accounts"]]
    if any(a.role is Role.SYSTEM for a in accounts):
        raise ValueError("no account carries the system role")
    return {a.subject: a for a in accounts}
