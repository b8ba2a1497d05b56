"""The operator's command line and start-up guards: `--version`, `--json` on every table, contacts
written only into the operator's own file, and the SMS stub refused outside development."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from services.notify.bootstrap import refuse_stub_outside_development
from services.notify.settings import NotifySettings
from zc.cli import app
from zc.contacts_cmd import SHIPPED

runner = CliRunner()


def test_zc_version_names_the_installed_package():
    shown = runner.invoke(app, ["--version"])
    assert shown.exit_code == 0 and shown.stdout.startswith("zc 0.")


def test_the_contacts_table_is_also_json(tmp_path):
    path = tmp_path / "contacts.json"
    assert runner.invoke(app, ["notify", "contact", "kq-hr", "--mobile", "13905751234", "--file", str(path)]).exit_code == 0
    shown = json.loads(runner.invoke(app, ["notify", "contacts", "--json", "--file", str(path)]).stdout)
    kq = next(d for d in shown["departments"] if d["org_id"] == "kq-hr")
    assert kq["sms_mobile_masked"] == "139****1234"
    assert "13905751234" not in json.dumps(shown)


def test_a_contact_is_never_written_into_the_shipped_file_or_the_source_tree(monkeypatch):
    before = SHIPPED.read_bytes()
    monkeypatch.delenv("ZC_NOTIFY_DEPARTMENT_CONTACTS", raising=False)
    for extra in ([], ["--file", str(SHIPPED)], ["--file", str(SHIPPED.parent / "other.json")]):
        refused = runner.invoke(app, ["notify", "contact", "kq-hr", "--mobile", "13905751234", *extra])
        assert refused.exit_code == 2, extra
    assert SHIPPED.read_bytes() == before
    assert not (SHIPPED.parent / "other.json").exists()


def test_a_new_operator_file_starts_from_the_shipped_names_and_landlines(tmp_path):
    path = tmp_path / "new.json"
    assert runner.invoke(app, ["notify", "contact", "kq-hr", "--mobile", "13905751234", "--file", str(path)]).exit_code == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["yc-hr"]["phone"] == json.loads(SHIPPED.read_text(encoding="utf-8"))["yc-hr"]["phone"]


@pytest.mark.parametrize("gateway, dev, starts", [("record", True, True), ("record", False, False),
                                                  ("http", False, True), ("nonsense", True, False)])
def test_the_recording_sms_stub_runs_only_in_development(gateway, dev, starts):
    settings = NotifySettings(sms_gateway=gateway, dev_mode=dev)
    if starts:
        refuse_stub_outside_development(settings)
    else:
        with pytest.raises(SystemExit, match="ZC_SMS_GATEWAY"):
            refuse_stub_outside_development(settings)
