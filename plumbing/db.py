"""Connecting to this service's own database, creating it on first use."""
from __future__ import annotations

import asyncpg

from plumbing.core.eventstore import init_schema
from plumbing.settings import with_database


async def ensure_database(server_url: str, database: str) -> None:
    conn = await asyncpg.connect(with_database(server_url, "postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            try:
                await conn.execute(f'CREATE DATABASE "{database}"')
            except asyncpg.DuplicateDatabaseError:
                pass  # another process created it meanwhile
    finally:
        await conn.close()


async def open_pool(server_url: str, database: str, *, extra_schema: str = "", min_size: int = 2,
                    max_size: int = 10) -> asyncpg.Pool:
    """Create the database if needed, apply the event-store schema and the service's own tables."""
    await ensure_database(server_url, database)
    pool = await asyncpg.create_pool(with_database(server_url, database), min_size=min_size, max_size=max_size)
    async with pool.acquire() as conn:
        await init_schema(conn)
        if extra_schema:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(727002)")
                await conn.execute(extra_schema)
    return pool
