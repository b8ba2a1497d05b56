"""The applicants table (tests/fixtures/applicants.json) through the pure function and the CLI."""
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contracts.application import Application, Route
from services.eligibility.domain import RULES, assess, failing_codes
from tests.fixtures.builders import PLAN
from zc.cli import app as cli

ROOT = Path(__file__).resolve().parents[3]
TABLE = json.loads((ROOT / "tests/fixtures/applicants.json").read_text(encoding="utf-8"))
ZC = Path(sys.executable).with_name("zc")
EXIT = {"eligible": 0, "eligible_interview_required": 0, "ineligible": 1}


def test_the_table_has_at_least_forty_applicants_covering_every_route_and_failure():
    assert len(TABLE) >= 40
    assert len({row["name"] for row in TABLE}) == len(TABLE)
    assert {row["application"]["route"] for row in TABLE} == {r.value for r in Route}
    assert set(RULES) == {code for row in TABLE for code in row["expected_failing_codes"]}
    combos = [row for row in TABLE if len(row["expected_failing_codes"]) > 1]
    assert len(combos) >= 5
    assert Counter(row["expected_outcome"] for row in TABLE).keys() == set(EXIT)


@pytest.mark.parametrize("row", TABLE, ids=[row["name"] for row in TABLE])
def test_each_applicant_gets_the_expected_outcome_and_failing_rules(row):
    result = assess(Application.model_validate(row["application"]), PLAN)
    assert (result.outcome.value, failing_codes(result)) == (
        row["expected_outcome"], row["expected_failing_codes"]), row["description"]


def _printed_outcome(row: dict, exit_code: int, stdout: str) -> None:
    assert exit_code == EXIT[row["expected_outcome"]]
    printed = json.loads(stdout)
    assert printed["outcome"] == row["expected_outcome"]
    assert sorted(r["code"] for r in printed["rules"] if not r["passed"]) == row["expected_failing_codes"]


@pytest.mark.parametrize("row", TABLE, ids=[row["name"] for row in TABLE])
def test_each_applicant_through_the_cli_exits_with_its_outcome(row, tmp_path):
    """The `zc eligibility check` command itself, in this process (a process per applicant cost
    most of the unit tier); the installed command runs as its own process below."""
    path = tmp_path / "application.json"
    path.write_text(json.dumps(row["application"], ensure_ascii=False), encoding="utf-8")
    done = CliRunner().invoke(cli, ["eligibility", "check", str(path)])
    _printed_outcome(row, done.exit_code, done.stdout)


FIRST_OF_EACH_OUTCOME = list({row["expected_outcome"]: row for row in reversed(TABLE)}.values())


@pytest.mark.parametrize("row", FIRST_OF_EACH_OUTCOME, ids=[row["expected_outcome"] for row in FIRST_OF_EACH_OUTCOME])
def test_the_installed_zc_command_exits_with_the_outcome_of_an_applicant_of_each_outcome(row, tmp_path):
    path = tmp_path / "application.json"
    path.write_text(json.dumps(row["application"], ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([str(ZC), "eligibility", "check", str(path)], capture_output=True, timeout=60)
    assert done.returncode == EXIT[row["expected_outcome"]], done.stderr.decode()
    _printed_outcome(row, done.returncode, done.stdout.decode("utf-8"))
