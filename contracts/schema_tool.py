"""JSON Schemas of every event, checked in under contracts/schemas/, and the compatibility check.

    python -m contracts.schema_tool check   # exit 1 if a model breaks a checked-in schema
    python -m contracts.schema_tool write   # refresh the files (refuses breaking changes)

A change breaks existing consumers when it removes a field, changes a field's type, or adds a
required field (one without a default). Such a change needs a new event type or a new
schema_version: the model's `schema_version` goes up, `write` adds `<Event>.v<n>.json` next to the
older files (which stay, as the record of what is stored), and `check` then wants an upcaster from
each version to the next (`contracts/upcasters.py`) and compares the newest file with the model.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from contracts import analytics
from contracts.envelope import Envelope
from contracts.registry import EVENT_TYPES
from contracts.upcasters import UPCASTERS

SCHEMAS_DIR = Path(__file__).parent / "schemas"


def current_schemas() -> dict[str, dict]:
    schemas = {f"{name}.v{model.schema_version}": model.model_json_schema() for name, model in EVENT_TYPES.items()}
    schemas["Envelope.v1"] = Envelope.model_json_schema()
    # The analysts' feed is not an event but a message of its own, versioned the same way.
    for version, model in analytics.VERSIONS.items():
        schemas[f"{analytics.MESSAGE_TYPE}.v{version}"] = model.model_json_schema()
    return schemas


def stored_schemas() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS_DIR.glob("*.json"))}


_TYPE_KEYS = {"type", "$ref", "anyOf", "items", "enum", "format", "const", "additionalProperties", "allOf"}


def _type_only(node: object) -> object:
    """A schema node without documentation (title, description, default) and without bounds
    (maxLength, maxItems...: contracts/limits.py may change them), however deeply nested."""
    if isinstance(node, list):
        return [_type_only(n) for n in node]
    if not isinstance(node, dict):
        return node
    return {k: _type_only(v) for k, v in node.items() if k in _TYPE_KEYS}


def _shape(prop: dict) -> str:
    """A field's type, without its documentation or bounds."""
    return json.dumps(_type_only(prop), sort_keys=True)


def _objects(schema: dict) -> dict[str, dict]:
    objects = {"#": schema}
    objects.update({f"#/$defs/{k}": v for k, v in schema.get("$defs", {}).items()})
    return objects


def breaking_changes(old: dict, new: dict) -> list[str]:
    problems = []
    new_objects = _objects(new)
    for where, old_obj in _objects(old).items():
        new_obj = new_objects.get(where)
        if new_obj is None:
            problems.append(f"{where}: definition removed")
            continue
        if "enum" in old_obj and not set(old_obj["enum"]) <= set(new_obj.get("enum", [])):
            problems.append(f"{where}: enum values removed")
        old_props, new_props = old_obj.get("properties", {}), new_obj.get("properties", {})
        for name, prop in old_props.items():
            if name not in new_props:
                problems.append(f"{where}.{name}: field removed")
            elif _shape(prop) != _shape(new_props[name]):
                problems.append(f"{where}.{name}: type changed")
        for name in set(new_obj.get("required", [])) - set(old_obj.get("required", [])):
            problems.append(f"{where}.{name}: new required field")
    return problems


def _split(name: str) -> tuple[str, int]:
    event_type, _, version = name.rpartition(".v")
    return event_type, int(version)


def check() -> dict[str, list[str]]:
    """Each stored version against its successor: the newest against the model (no breaking change
    within a version), every older one against the next by a registered upcaster."""
    current, stored = current_schemas(), stored_schemas()
    report = {}
    for name, old in stored.items():
        event_type, version = _split(name)
        if event_type == analytics.MESSAGE_TYPE:
            latest, upcast = analytics.CaseChange.schema_version, version in analytics.UPCASTERS
        else:
            model = EVENT_TYPES.get(event_type)
            latest = 1 if event_type == "Envelope" else (model.schema_version if model else None)
            upcast = (event_type, version) in UPCASTERS
        if latest is None:
            report[name] = ["event type removed"]
        elif version > latest:
            report[name] = [f"the model is at version {latest}, older than this file"]
        elif version < latest:
            problems = [] if upcast else [f"no upcaster from v{version} to v{version + 1}"]
            if f"{event_type}.v{version + 1}" not in stored and f"{event_type}.v{version + 1}" not in current:
                problems.append(f"v{version + 1} is missing")
            if problems:
                report[name] = problems
        elif problems := breaking_changes(old, current[name]):
            report[name] = problems
    return report


def write() -> list[str]:
    if report := check():
        raise SystemExit(f"refusing to write breaking schema changes: {report}")
    SCHEMAS_DIR.mkdir(exist_ok=True)
    written = []
    for name, schema in current_schemas().items():
        path = SCHEMAS_DIR / f"{name}.json"
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(name)
    return written


if __name__ == "__main__":
    if sys.argv[1:] == ["write"]:
        print("written:", ", ".join(write()) or "nothing changed")
    else:
        report = check()
        print(json.dumps(report, ensure_ascii=False, indent=2) if report else "compatible")
        sys.exit(1 if report else 0)
