"""Each service's PostgreSQL login, on the real server (plumbing/provision.py): its own database only,
rows of its own tables, never UPDATE/DELETE/TRUNCATE on its events, no DDL, no login without a
password; the start-up checks of who a service is and which schema it finds."""
from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import asyncpg
import pytest

from plumbing.db import SchemaMismatch, check_login, check_schema
from plumbing.edges.kafka_security import credentials_file as kafka_credentials_file
from plumbing.provision import (CREDENTIALS, ROLE_SECRETS, SERVICES, database_from_template, login_role,
                                expected_migrations, migration_dirs, prepare, role_passwords, system_user)
from plumbing.settings import with_database
from tests.conftest import DATABASE_URL
from tests.integration_support import db_name, drop_database


def _as(role: str, database: str, password: str | None) -> dict:
    host, port = DATABASE_URL.split("@", 1)[1].split("/", 1)[0].split(":")
    return {"host": host, "port": int(port), "user": role, "password": password, "database": database,
            "passfile": "/nonexistent"}  # never the administrator's file


@pytest.fixture(scope="module")
def databases():
    names = {s: db_name(s) for s in SERVICES}

    async def make():
        for service, name in names.items():
            await database_from_template(service, name)
    asyncio.run(make())
    yield names
    for name in names.values():
        asyncio.run(drop_database(name))


async def test_each_login_is_refused_on_every_other_services_database(databases):
    passwords = role_passwords()
    for service in SERVICES:
        role = login_role(service)
        conn = await asyncpg.connect(**_as(role, databases[service], passwords[role]))
        await conn.close()
        for other in SERVICES:
            if other != service:
                with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for database"):
                    await asyncpg.connect(**_as(role, databases[other], passwords[role]))


@pytest.mark.parametrize("statement", ["UPDATE events SET payload = '{}'", "DELETE FROM events", "TRUNCATE events",
                                       "CREATE TABLE sneaky (x int)", "ALTER TABLE events ADD COLUMN x int",
                                       "DROP TABLE inbox"])
async def test_a_login_may_not_rewrite_its_events_or_change_any_schema(databases, statement):
    role = login_role("intake")
    conn = await asyncpg.connect(**_as(role, databases["intake"], role_passwords()[role]))
    try:
        assert await conn.fetchval("SELECT count(*) FROM events") == 0  # it may read them...
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(statement)  # ...and never change them or a table's shape
    finally:
        await conn.close()


async def test_every_login_may_only_insert_and_read_the_audit_trail_tables(databases):
    # Granted, not only guarded by the triggers: the login holds no UPDATE, DELETE or TRUNCATE at all.
    passwords = role_passwords()
    for service in SERVICES:
        role = login_role(service)
        conn = await asyncpg.connect(**_as(role, databases[service], passwords[role]))
        try:
            for table in ("personal_data_reads", "audit_checkpoints"):
                held = {p for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
                        if await conn.fetchval("SELECT has_table_privilege(current_user, $1, $2)", table, p)}
                assert held == {"SELECT", "INSERT"}, (service, table, held)
        finally:
            await conn.close()


async def test_no_login_without_its_password_not_even_the_administrators(databases):
    for role, database in ((login_role("review"), databases["review"]), ("postgres", "postgres")):
        with pytest.raises((asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError,
                            asyncpg.ClientCannotConnectError)):
            await asyncpg.connect(**_as(role, database, None))
        with pytest.raises(asyncpg.InvalidPasswordError):
            await asyncpg.connect(**_as(role, database, "not-the-password-at-all-" * 2))


async def test_only_the_administrator_creates_databases_and_public_may_not_connect(databases):
    role = login_role("notify")
    conn = await asyncpg.connect(**_as(role, databases["notify"], role_passwords()[role]))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute('CREATE DATABASE "zct_not_allowed"')
        public = await conn.fetchval("SELECT has_database_privilege('public', current_database(), 'CONNECT')")
        assert public is False
    finally:
        await conn.close()


async def test_a_service_refuses_a_database_without_exactly_its_migrations_and_a_superuser_outside_development(
        databases, tmp_path):
    admin = await asyncpg.connect(with_database(DATABASE_URL, databases["review"]))
    try:
        await check_schema(admin, migration_dirs("review"))  # the template's migrations: the code's
        (tmp_path / "0099_newer.sql").write_text("SELECT 1;")
        with pytest.raises(SchemaMismatch, match="schema version mismatch"):
            await check_schema(admin, [*migration_dirs("review"), tmp_path])
        with pytest.raises(SchemaMismatch, match="schema version mismatch"):
            await check_schema(admin, migration_dirs("intake"))
        with pytest.raises(SystemExit, match="superuser"):
            await check_login(admin, dev_mode=False)
        assert await check_login(admin, dev_mode=True) is True
    finally:
        await admin.close()


async def test_a_service_refuses_a_database_whose_applied_migration_differs_in_content_from_the_one_it_ships(
        databases, tmp_path):
    # The same ids, one file edited after it was applied (a copy of the shipped folders).
    copies = []
    for folder in migration_dirs("review"):
        copies.append(tmp_path / folder.parent.name)
        shutil.copytree(folder, copies[-1])
    edited = copies[-1] / "0002_review_tables.sql"
    edited.write_text(edited.read_text() + "\nCREATE INDEX IF NOT EXISTS sneaky ON events (event_type);\n")
    role = login_role("review")
    conn = await asyncpg.connect(**_as(role, databases["review"], role_passwords()[role]))  # as the service logs in
    try:
        await check_schema(conn, migration_dirs("review"))
        with pytest.raises(SchemaMismatch, match="content of migration.s. 0002_review_tables differs"):
            await check_schema(conn, copies)
    finally:
        await conn.close()


async def test_two_set_ups_at_once_migrate_one_database_once():
    name = db_name("race")
    try:
        await asyncio.gather(prepare("store", name), prepare("store", name))
        conn = await asyncpg.connect(with_database(DATABASE_URL, name))
        try:
            applied = await conn.fetch("SELECT migration_id FROM _yoyo_migration")
            assert sorted(r["migration_id"] for r in applied) == expected_migrations(migration_dirs("store"))
        finally:
            await conn.close()
    finally:
        await drop_database(name)


def _read_as(user: str, path: Path) -> int:
    return subprocess.run(["runuser", "-u", user, "--", "cat", str(path)], capture_output=True, cwd="/").returncode


@pytest.mark.skipif(os.geteuid() != 0, reason="system users are made by a set-up running as root")
def test_a_services_system_user_reads_its_own_credentials_and_nobody_elses_nor_the_administrators():
    # The credentials live in the stack folder (outside the checkout, which may sit in a folder
    # nobody but root may enter), so every system user reaches its own file, wherever the clone is.
    for service in SERVICES:
        own = CREDENTIALS / service
        assert oct(own.stat().st_mode & 0o777) == "0o400" and own.stat().st_uid == pwd.getpwnam(system_user(service)).pw_uid
        assert _read_as(system_user(service), own) == 0
        for other in SERVICES:
            if other != service:
                assert _read_as(system_user(service), CREDENTIALS / other) != 0
        # The roles' passwords, the administrator's, Kafka's admin and controller passwords (and every principal's)
        for secret in (ROLE_SECRETS, ROLE_SECRETS.parent / "pgpass", kafka_credentials_file()):
            assert secret.exists() and _read_as(system_user(service), secret) != 0, secret
