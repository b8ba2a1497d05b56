"""The set-up step for PostgreSQL: roles, databases, migrations and grants. Run by the administrator
only (`make up`, `make test` and each test session through `python -m plumbing.provision` or
`database_from_template`); no service runs any of it, and no service can (its login has no DDL).

Per service (and `store`, the bare event store the plumbing tests and the benchmark use):

| role | what it is | used by |
|---|---|---|
| `zc_<service>_owner` | owns the service's database and tables (SCRAM password) | this set-up step, to migrate |
| `zc_<service>` | the service's login (SCRAM password): CONNECT on its one database, SELECT/INSERT/UPDATE/DELETE on its tables but only SELECT and INSERT on `events`, `audit_checkpoints` and `personal_data_reads`, SELECT on the migration table; no DDL | the service |

`CONNECT` is revoked from PUBLIC on every database made here; only the administrator creates
databases. Migrations are yoyo-migrations' numbered plain-SQL files: `plumbing/core/migrations/`
(the event store, every database) and `services/<service>/migrations/` (its own tables), applied
under yoyo's lock (two set-ups cannot race) as the owner. Tests copy a migrated template database
(`zc_template_<service>`), so a test session does not migrate per database.

Passwords: the administrator's in `infra/.run/secrets/pgpass` (written by infra/postgres/postgres.sh),
the roles' in `infra/.run/secrets/postgres-roles`; both 0400 in a 0700 folder, readable by root (the
set-up) only. Each service's own file `<stack>/credentials/<service>` (0400, owned by the service's
system user `zc-<service>` when the set-up runs as root; the folder 0711) holds its database and Kafka
passwords and nothing else. The stack folder (`stack_dir()`) lies outside the checkout, which the
services' users may not be able to enter; it also holds their runtime virtualenv (zc/install.py).
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from plumbing.settings import ProcessSettings, database_url, with_database

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("intake", "eligibility", "review", "notify")
KINDS = (*SERVICES, "store")
RUN = ROOT / "infra" / ".run"
ROLE_SECRETS = RUN / "secrets" / "postgres-roles"


def stack_dir() -> Path:
    """What the services' system users must reach, outside the checkout: ZC_STACK_DIR, else
    /var/lib/zhicheng/<hash of the checkout's path> (one per checkout) as root, else infra/.run/stack
    (not root: no system users, the services run as the caller). infra/stack.sh exports the same."""
    if given := ProcessSettings.current().stack_dir:
        return Path(given)
    if os.geteuid() != 0:
        return RUN / "stack"
    return Path("/var/lib/zhicheng") / hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]


def ensure_stack_dir() -> Path:
    """The stack folder, open to every user (0755; each file inside decides who reads it)."""
    folder = stack_dir()
    for path in (folder.parent, folder):
        if not path.exists():
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o755)
    return folder


CREDENTIALS = stack_dir() / "credentials"
_LOCK = 727500  # one set-up at a time on a server (roles and templates are shared by every session)
_TEMPLATES_READY: set[str] = set()  # kinds whose template this process migrated already
APPEND_ONLY = ("events", "audit_checkpoints", "personal_data_reads")  # the login: SELECT and INSERT only


def migration_dirs(kind: str) -> list[Path]:
    own = ROOT / "services" / kind / "migrations"
    return [ROOT / "plumbing" / "core" / "migrations", *([own] if own.is_dir() else [])]


def expected_migrations(dirs: list[Path]) -> list[str]:
    """The migration ids a database of these folders must have applied, in order."""
    return sorted(p.stem for d in dirs for p in d.glob("*.sql"))


def migration_contents(dirs: list[Path]) -> dict[str, str]:
    """Each shipped migration's id and the sha256 of its file: what a database must have applied."""
    return {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for d in dirs for p in sorted(d.glob("*.sql"))}


def owner_role(kind: str) -> str:
    return f"zc_{kind}_owner"


def login_role(kind: str) -> str:
    return f"zc_{kind}"


def template_of(kind: str) -> str:
    return f"zc_template_{kind}"


def _read_pairs(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def role_passwords() -> dict[str, str]:
    """Every role's password, made on first use (kept in a file only the set-up reads)."""
    known = _read_pairs(ROLE_SECRETS)
    missing = [r for kind in KINDS for r in (owner_role(kind), login_role(kind)) if r not in known]
    if missing:
        ROLE_SECRETS.parent.mkdir(parents=True, exist_ok=True)
        ROLE_SECRETS.parent.chmod(0o700)
        known |= {r: secrets.token_urlsafe(32) for r in missing}
        if ROLE_SECRETS.exists():
            ROLE_SECRETS.chmod(0o600)
        ROLE_SECRETS.write_text("".join(f"{k}={v}\n" for k, v in sorted(known.items())))
        ROLE_SECRETS.chmod(0o400)
    return known


def as_role(url: str, role: str, password: str, database: str) -> str:
    parts = urlsplit(with_database(url, database))
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(role, safe='')}:{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


async def _ensure_roles(admin: asyncpg.Connection, kind: str, passwords: dict[str, str]) -> None:
    for role in (owner_role(kind), login_role(kind)):
        exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
        verb = "ALTER" if exists else "CREATE"
        # Passwords cannot be bind parameters in DDL: quote_literal through the server.
        literal = await admin.fetchval("SELECT quote_literal($1)", passwords[role])
        await admin.execute(f'{verb} ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                            f"PASSWORD {literal}")


async def _ensure_database(admin: asyncpg.Connection, kind: str, database: str, template: str | None = None) -> bool:
    """Create the database (owned by the kind's owner role) if missing; True when it was created."""
    if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
        return False
    copy = f' TEMPLATE "{template}"' if template else ""
    await admin.execute(f'CREATE DATABASE "{database}" OWNER "{owner_role(kind)}"{copy}')
    await admin.execute(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
    await admin.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{login_role(kind)}"')
    return True


def _migrate(url: str, kind: str, database: str, password: str) -> None:
    """yoyo, as the owner role: applies what is missing under yoyo's own lock."""
    from yoyo import get_backend, read_migrations

    backend = get_backend(as_role(url, owner_role(kind), password, database).replace("postgresql://",
                                                                                     "postgresql+psycopg://", 1))
    try:
        migrations = read_migrations(*(str(d) for d in migration_dirs(kind)))
        with backend.lock():
            backend.apply_migrations(backend.to_apply(migrations))
            # What each applied file said, recorded once (a later edit of an applied file is then a
            # mismatch the services refuse, not a silent difference; plumbing/db.py check_schema).
            contents = migration_contents(migration_dirs(kind))
            with backend.transaction():
                applied = {m for (m,) in backend.execute("SELECT migration_id FROM _yoyo_migration").fetchall()}
                for migration_id in sorted(applied & contents.keys()):
                    backend.execute("INSERT INTO zc_migration_content (migration_id, sha256) VALUES (:id, :sha) "
                                    "ON CONFLICT (migration_id) DO NOTHING", {"id": migration_id,
                                                                               "sha": contents[migration_id]})
    finally:
        backend.connection.close()


async def _grant(url: str, kind: str, database: str) -> None:
    """What the login may do: its tables' rows, only SELECT and INSERT on the append-only ones, no DDL."""
    conn = await asyncpg.connect(with_database(url, database))
    login = f'"{login_role(kind)}"'
    try:
        async with conn.transaction():
            await conn.execute(f"GRANT USAGE ON SCHEMA public TO {login}")
            await conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {login}")
            await conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {login}")
            # Append-only tables: what was written (events, signed checkpoints, reads of personal
            # data) stays written; the login may only add rows and read them.
            for table in APPEND_ONLY:
                await conn.execute(f"REVOKE ALL ON {table} FROM {login}")
                await conn.execute(f"GRANT SELECT, INSERT ON {table} TO {login}")
            yoyo = [r["tablename"] for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE '%yoyo%'")]
            for table in yoyo:
                await conn.execute(f'REVOKE ALL ON "{table}" FROM {login}')
            await conn.execute(f"GRANT SELECT ON _yoyo_migration TO {login}")  # the start-up version check
            await conn.execute(f"REVOKE ALL ON zc_migration_content FROM {login}")
            await conn.execute(f"GRANT SELECT ON zc_migration_content TO {login}")  # and its content check
    finally:
        await conn.close()


async def prepare(kind: str, database: str, *, url: str | None = None) -> None:
    """Roles, the database, its migrations and grants (idempotent): the set-up of a live database."""
    url = url or database_url()
    passwords = role_passwords()
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute("SELECT pg_advisory_lock($1)", _LOCK)
        await _ensure_roles(admin, kind, passwords)
        await _ensure_database(admin, kind, database)
        await asyncio.to_thread(_migrate, url, kind, database, passwords[owner_role(kind)])
        await _grant(url, kind, database)
    finally:
        await admin.close()  # ends the session: the advisory lock goes with it


async def database_from_template(kind: str, database: str, *, url: str | None = None) -> str:
    """A fresh database for a test (or a tool's own stack): a copy of the kind's migrated template,
    owned by its owner role, CONNECT for its login only. Returns the database name."""
    url = url or database_url()
    passwords = role_passwords()
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        await admin.execute("SELECT pg_advisory_lock($1)", _LOCK)
        if kind not in _TEMPLATES_READY:
            await _ensure_roles(admin, kind, passwords)
            await _ensure_database(admin, kind, template_of(kind))
            await asyncio.to_thread(_migrate, url, kind, template_of(kind), passwords[owner_role(kind)])
            await _grant(url, kind, template_of(kind))
            _TEMPLATES_READY.add(kind)
        await _ensure_database(admin, kind, database, template=template_of(kind))
    finally:
        await admin.close()
    return database


async def ensure_scratch_database(database: str, *, url: str | None = None) -> None:
    """An administrator's tool's own database (`zc audit replay-topic`'s scratch copy of a topic):
    created by the administrator if missing, CONNECT revoked from PUBLIC like every database here."""
    url = url or database_url()
    admin = await asyncpg.connect(with_database(url, "postgres"))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
            try:
                await admin.execute(f'CREATE DATABASE "{database}"')
                await admin.execute(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
            except asyncpg.DuplicateDatabaseError:
                pass  # another process created it meanwhile
    finally:
        await admin.close()


def service_database(service: str, database: str, *, url: str | None = None) -> dict[str, str]:
    """For a launcher (tests, tools) about to start a service on `database`: the database copied from
    the template if missing, and the environment that makes the service log in as its own role.
    Synchronous, and safe inside a running event loop (it runs in a thread of its own)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, database_from_template(service, database, url=url)).result()
    env = {"ZC_DB_NAME": database}
    if credentials_file(service).exists():
        env["ZC_DB_CREDENTIALS"] = str(credentials_file(service))
    return env


def system_user(service: str) -> str:
    return f"zc-{service}"


def ensure_system_user(service: str) -> str | None:
    """The unprivileged system user a service runs as (root only; None when it cannot be made)."""
    name = system_user(service)
    try:
        pwd.getpwnam(name)
        return name
    except KeyError:
        pass
    if os.geteuid() != 0:
        return None
    done = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                          capture_output=True, text=True)
    return name if done.returncode == 0 or "already exists" in done.stderr else None


def credentials_file(service: str) -> Path:
    return CREDENTIALS / service


def write_credentials(service: str, kafka_passwords: dict[str, str]) -> Path:
    """The service's own secrets, readable by its system user only: its database login's password
    (`database=`) and its Kafka principal's (`<service>=`, the format plumbing.edges.kafka_security reads)."""
    ensure_stack_dir()
    CREDENTIALS.mkdir(exist_ok=True)
    CREDENTIALS.chmod(0o711)  # a user may open its own file by name, list none
    path = credentials_file(service)
    lines = [f"database={role_passwords()[login_role(service)]}"]
    if service in kafka_passwords:
        lines.append(f"{service}={kafka_passwords[service]}")
    if path.exists():
        path.chmod(0o600)
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o400)
    if os.geteuid() == 0 and (user := ensure_system_user(service)):
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


async def main() -> None:
    from plumbing.edges.kafka_security import read_credentials

    for service in SERVICES:
        await prepare(service, f"zc_{service}")
    for kind in KINDS:
        await database_from_template(kind, template_of(kind))  # migrated templates for the tests
    kafka = read_credentials()
    for service in SERVICES:
        write_credentials(service, kafka)
    shutil.rmtree(RUN / "credentials", ignore_errors=True)  # where stacks before the stack folder kept them
    print(f"[provision] roles, databases, migrations and grants in place; credentials in {CREDENTIALS}",
          file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
