"""`zc notify contact`: department reminder mobiles are operator data, set by a command, and the
directory notify builds from the file then reaches the department."""
import json
import shutil

from typer.testing import CliRunner

from contracts.plan import load_plan
from services.notify.domain.departments import department_contacts
from services.notify.domain.recipients import Recipient, resolve
from zc.cli import app
from zc.contacts_cmd import SHIPPED

runner = CliRunner()


def test_an_operator_sets_a_departments_duty_mobile_and_its_reminders_can_reach_it(tmp_path):
    path = tmp_path / "contacts.json"
    shutil.copy(SHIPPED, path)
    before = {c.ref: c for c in department_contacts(json.loads(path.read_text(encoding="utf-8")), load_plan())}
    assert not isinstance(resolve(before["kq-hr"]), Recipient)  # a landline: cannot take an SMS
    done = runner.invoke(app, ["notify", "contact", "kq-hr", "--mobile", "+86 139-0575-1234", "--file", str(path)])
    assert done.exit_code == 0, done.output
    assert "139****1234" in done.output and "13905751234" not in done.output
    after = {c.ref: c for c in department_contacts(json.loads(path.read_text(encoding="utf-8")), load_plan())}
    assert isinstance(resolve(after["kq-hr"]), Recipient)
    listed = runner.invoke(app, ["notify", "contacts", "--file", str(path)])
    assert "kq-hr" in listed.output and "139****1234" in listed.output and "no duty mobile" in listed.output


def test_an_unknown_department_or_a_landline_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "contacts.json"
    shutil.copy(SHIPPED, path)
    text = path.read_text(encoding="utf-8")
    assert runner.invoke(app, ["notify", "contact", "nowhere", "--mobile", "13905751234", "--file", str(path)]).exit_code == 2
    assert runner.invoke(app, ["notify", "contact", "kq-hr", "--mobile", "0575-84126032", "--file", str(path)]).exit_code == 2
    assert path.read_text(encoding="utf-8") == text
