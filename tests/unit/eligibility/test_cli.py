"""`zc eligibility check` exit codes and messages (run in-process through typer's runner)."""
import json

from typer.testing import CliRunner

from tests.fixtures.builders import normal_data
from zc.cli import app

runner = CliRunner()


def run(tmp_path, content, *extra):
    path = tmp_path / "application.json"
    path.write_text(content, encoding="utf-8")
    return runner.invoke(app, ["eligibility", "check", str(path), *extra])


def test_an_eligible_application_exits_zero_and_prints_readable_chinese(tmp_path):
    result = run(tmp_path, json.dumps(normal_data(), ensure_ascii=False))
    assert result.exit_code == 0
    assert "实际聘任高级工程师" in result.stdout
    assert json.loads(result.stdout)["outcome"] == "eligible"


def test_an_ineligible_application_exits_one(tmp_path):
    data = normal_data() | {"specialty": "机械设计"}
    assert run(tmp_path, json.dumps(data, ensure_ascii=False)).exit_code == 1


def test_broken_json_exits_two_with_a_bilingual_message(tmp_path):
    result = run(tmp_path, "{not json")
    assert result.exit_code == 2
    assert "申报数据格式不正确" in result.stderr and "invalid application" in result.stderr


def test_an_application_missing_a_field_exits_two_and_names_it(tmp_path):
    data = normal_data()
    del data["specialty"]
    result = run(tmp_path, json.dumps(data))
    assert result.exit_code == 2 and "specialty" in result.stderr


def test_an_unknown_plan_exits_two(tmp_path):
    result = run(tmp_path, json.dumps(normal_data()), "--plan", "hangzhou-2031")
    assert result.exit_code == 2 and "unusable plan" in result.stderr


def test_an_application_naming_no_known_plan_exits_two(tmp_path):
    result = run(tmp_path, json.dumps(normal_data() | {"plan_id": "zj-xx-2031"}))
    assert result.exit_code == 2 and "zj-xx-2031" in result.stderr


def test_a_plan_other_than_the_applications_exits_two(tmp_path):
    plan = tmp_path / "other.json"
    from tests.fixtures.builders import PLAN
    plan.write_text(PLAN.model_copy(update={"plan_id": "zj-hz-2020-zgj"}).model_dump_json(), "utf-8")
    result = run(tmp_path, json.dumps(normal_data()), "--plan", str(plan))
    assert result.exit_code == 2 and "不一致" in result.stderr


def test_a_missing_file_exits_two(tmp_path):
    result = runner.invoke(app, ["eligibility", "check", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "cannot read" in result.stderr
