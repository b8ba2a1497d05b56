"""Template catalogues as data, one JSON file per plan and locale: `<plan_id>.<locale>.json`."""
from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).parent


def catalogue_path(plan_id: str, locale: str = "zh-CN") -> Path:
    return TEMPLATES_DIR / f"{plan_id}.{locale}.json"


def read_catalogue_text(plan_id: str, locale: str = "zh-CN") -> str:
    """The catalogue file's text; parse it with domain.templates.load_catalogue."""
    return catalogue_path(plan_id, locale).read_text(encoding="utf-8")


DEPARTMENT_CONTACTS = TEMPLATES_DIR / "department_contacts.json"


def read_department_contacts(path: str | None = None) -> dict:
    """org_id -> {name, phone, sms_mobile}; `path` (ZC_NOTIFY_DEPARTMENT_CONTACTS) overrides the shipped file."""
    import json

    return json.loads(Path(path or DEPARTMENT_CONTACTS).read_text(encoding="utf-8"))
