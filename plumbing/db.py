"""Connecting a service to its own database: no DDL here (plumbing/provision.py, the set-up step,
creates and migrates every schema). At start a service checks who it is and what schema it finds."""
from __future__ import annotations

from pathlib import Path

import asyncpg

from plumbing.provision import migration_contents


class SchemaMismatch(SystemExit):
    pass


async def check_login(conn: asyncpg.Connection, *, dev_mode: bool) -> bool:
    """Refuse a superuser login outside development (it could read and write every database). True
    when the login is a superuser (allowed in development only)."""
    superuser = bool(await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if superuser and not dev_mode:
        raise SystemExit("refusing to start: the database login is a superuser; give the service its own "
                         "login (ZC_DB_CREDENTIALS, written by the set-up step) or ZC_DEV_MODE=1")
    return superuser


async def check_schema(conn: asyncpg.Connection, migrations: list[Path]) -> None:
    """The database must have exactly the migrations this code ships, each with the content it
    ships: fewer (not migrated yet), others (a newer release migrated it) or a file whose content
    differs from what was applied (yoyo knows ids only: plumbing/provision.py records each applied
    file's sha256) and the service refuses to start."""
    shipped = migration_contents(migrations)
    expected = sorted(shipped)
    try:
        applied = sorted(r["migration_id"] for r in await conn.fetch("SELECT migration_id FROM _yoyo_migration"))
        recorded = {r["migration_id"]: r["sha256"] for r in await conn.fetch(
            "SELECT migration_id, sha256 FROM zc_migration_content")}
    except asyncpg.UndefinedTableError:
        applied, recorded = [], {}
    except asyncpg.InsufficientPrivilegeError:
        raise SchemaMismatch("refusing to start: the login may not read the schema version (_yoyo_migration, "
                             "zc_migration_content)") from None
    if applied != expected:
        raise SchemaMismatch(f"refusing to start: schema version mismatch (database has {applied or 'none'}, this "
                             f"code expects {expected}); run the set-up step (make up, or python -m plumbing.provision)")
    if differ := sorted(m for m in expected if recorded.get(m) != shipped[m]):
        raise SchemaMismatch(
            f"refusing to start: schema version mismatch: the content of migration(s) {', '.join(differ)} differs from "
            f"what this database applied (sha256 {', '.join(str(recorded.get(m))[:12] for m in differ)} applied, "
            f"{', '.join(shipped[m][:12] for m in differ)} shipped); an applied migration is never edited: ship a new "
            "numbered one, or reset the database")


async def open_pool(dsn: str, *, migrations: list[Path], dev_mode: bool, min_size: int = 2,
                    max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size)
    try:
        async with pool.acquire() as conn:
            await check_login(conn, dev_mode=dev_mode)
            await check_schema(conn, migrations)
    except BaseException:
        await pool.close()
        raise
    return pool
