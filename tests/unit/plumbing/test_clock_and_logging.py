"""The season clock and the log redaction every service relies on."""
import json
from datetime import UTC, datetime, timedelta

from plumbing import clock
from contracts.personal_data import redact
from plumbing.logging import configure, get_logger
from plumbing.settings import ServiceSettings, with_database


def test_logs_never_carry_a_full_id_number_or_phone_number():
    text = redact("申报人330602196503121234，手机13812345678，座机0575-85140374")
    assert text == "申报人330602********1234，手机138****5678，座机0575-85140374"


def test_a_structured_log_line_is_redacted_and_carries_the_bound_correlation_id(capsys):
    import structlog

    configure("test", json=True)
    structlog.contextvars.bind_contextvars(correlation_id="c-1")
    try:
        get_logger().info("filed", who="330602196503121234", phone="13812345678")
    finally:
        structlog.contextvars.unbind_contextvars("correlation_id")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (line["correlation_id"], line["who"], line["phone"]) == ("c-1", "330602********1234", "138****5678")


def test_the_season_clock_reads_the_offset_from_its_file_and_follows_changes(tmp_path, monkeypatch):
    path = tmp_path / "season-clock"
    monkeypatch.setenv("ZC_CLOCK_FILE", str(path))
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)  # no file yet: real time
    clock.set_season_time(path, "2020-08-10T09:00:00+08:00")
    assert abs(clock.now() - datetime(2020, 8, 10, 1, tzinfo=UTC)) < timedelta(seconds=5)
    clock.set_season_time(path, "2020-08-21T09:00:00+08:00")
    assert abs(clock.now() - datetime(2020, 8, 21, 1, tzinfo=UTC)) < timedelta(seconds=5)


def test_a_fixed_offset_shifts_every_reading_the_same(monkeypatch):
    monkeypatch.delenv("ZC_CLOCK_FILE", raising=False)
    monkeypatch.setenv("ZC_CLOCK_OFFSET_SECONDS", str(-86400))
    assert abs(clock.now() - (datetime.now(UTC) - timedelta(days=1))) < timedelta(seconds=5)


def test_each_service_gets_its_own_database_on_the_configured_server(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example:5432/postgres")
    monkeypatch.delenv("ZC_REVIEW_PORT", raising=False)
    settings = ServiceSettings(service="review")
    assert settings.dsn == "postgresql://u@db.example:5432/zc_review" and settings.http_port == 8003
    assert with_database("postgresql://u@h:1/x?sslmode=require", "y") == "postgresql://u@h:1/y?sslmode=require"
