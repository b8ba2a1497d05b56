"""Connecting a service to its own database: no DDL here (plumbing/provision.py, the set-up step,
creates and migrates every schema). At start a service checks who it is and what schema it finds."""
from __future__ import annotations

from pathlib import Path

import asyncpg

from plumbing.provision import expected_migrations


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
    """The database must have exactly the migrations this code ships: fewer (not migrated yet) or
    others (a newer release migrated it) and the service refuses to start."""
    expected = expected_migrations(migrations)
    try:
        applied = sorted(r["migration_id"] for r in await conn.fetch("SELECT migration_id FROM _yoyo_migration"))
    except asyncpg.UndefinedTableError:
        applied = []
    except asyncpg.InsufficientPrivilegeError:
        raise SchemaMismatch("refusing to start: the login may not read the schema version (_yoyo_migration)") from None
    if applied != expected:
        raise SchemaMismatch(f"refusing to start: schema version mismatch (database has {applied or 'none'}, this "
                             f"code expects {expected}); run the set-up step (make up, or python -m plumbing.provision)")


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
