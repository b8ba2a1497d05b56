"""Rebuild a projection's read model into fresh tables while the live one keeps serving, then swap.

1. The read model's tables are created empty in a scratch schema `rebuild_<name>` (same columns,
   constraints and index definitions).
2. The projection's own `apply` runs over the whole history (`read_all` from position 0), one
   transaction per chunk, with `search_path` putting the scratch schema first: the projection code
   is unchanged and writes the fresh tables. It only reads events and writes those tables: nothing
   is appended, published or sent.
3. Swap, in one transaction: the live tables are locked (the live runner's next write waits; its
   readers wait a moment), its checkpoint row is locked and the fresh tables catch up to it, the
   live tables are dropped and the fresh ones moved in under their names (indexes renamed back), with
   the live tables' owner and grants (the service's login keeps exactly what it had).
   The live runner goes on from its checkpoint; re-applying an event is a no-op (each row is the
   fold of its stream up to a version).
"""
from __future__ import annotations

import re
from collections.abc import Callable

import asyncpg

from plumbing.core.eventstore import EventStore, Position
from plumbing.core.projection import Apply

Progress = Callable[[int, int], None]  # (events applied, events in the log)


def scratch_schema(name: str) -> str:
    return "rebuild_" + re.sub(r"[^a-z0-9_]", "_", name.lower())


async def _create_fresh(conn, schema: str, tables: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Empty copies of `tables` in `schema`, with the live tables' index definitions."""
    await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    await conn.execute(f"CREATE SCHEMA {schema}")
    indexes = {}
    for table in tables:
        await conn.execute(f"CREATE TABLE {schema}.{table} (LIKE public.{table} INCLUDING ALL)")
        # A serial column's copied default still names the live table's sequence, which goes when the
        # live table is dropped: the fresh table gets a sequence of its own (same name, its schema).
        for column, sequence in await _serials(conn, "public", table):
            name = sequence.split(".", 1)[1]
            await conn.execute(f"CREATE SEQUENCE {schema}.{name} OWNED BY {schema}.{table}.{column}")
            await conn.execute(f"ALTER TABLE {schema}.{table} ALTER COLUMN {column}"
                               f" SET DEFAULT nextval('{schema}.{name}'::regclass)")
        indexes[table] = [(r["indexname"], r["indexdef"]) for r in await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1", table)]
    return indexes


async def _serials(conn, schema: str, table: str) -> list[tuple[str, str]]:
    """(column, schema-qualified sequence) of each serial column of the table."""
    rows = await conn.fetch(
        "SELECT a.attname, pg_get_serial_sequence(quote_ident($1) || '.' || quote_ident($2), a.attname) AS seq"
        " FROM pg_attribute a WHERE a.attrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass"
        " AND a.attnum > 0 AND NOT a.attisdropped", schema, table)
    return [(r["attname"], r["seq"]) for r in rows if r["seq"]]


async def _apply_chunks(store: EventStore, apply: Apply, schema: str, after: Position, upto: Position | None,
                        chunk: int, done: int, total: int, progress: Progress | None, conn=None) -> tuple[Position, int]:
    while True:
        events = [e for e in await store.read_all(after, chunk) if upto is None or e.position <= upto]
        if not events:
            return after, done
        if conn is None:
            async with store.pool.acquire() as own, own.transaction():
                await own.execute(f"SET LOCAL search_path TO {schema}, public")
                await apply(own, events)
        else:
            await conn.execute(f"SET LOCAL search_path TO {schema}, public")
            await apply(conn, events)
        after, done = events[-1].position, done + len(events)
        if progress:
            progress(done, max(total, done))


async def _privileges(conn, table: str) -> tuple[str, list[tuple[str, str]]]:
    """The live table's (or sequence's) owner and its grants to others (grantee, privilege), e.g. ('"zc_review"', 'SELECT')."""
    owner = await conn.fetchval("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = $1::regclass",
                                f"public.{table}")
    rows = await conn.fetch(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee,"
        " a.privilege_type FROM pg_class c, aclexplode(c.relacl) a"
        " WHERE c.oid = $1::regclass AND a.grantee <> c.relowner", f"public.{table}")
    return owner, [(r["grantee"], r["privilege_type"]) for r in rows]


def _body(indexdef: str) -> str:
    return indexdef.split(" ON ", 1)[1].split(" USING ", 1)[1]


async def _swap_in(conn, schema: str, tables: list[str], indexes: dict[str, list[tuple[str, str]]]) -> None:
    """Inside the caller's transaction (the live tables locked): the fresh tables take the live ones'
    place and names, indexes included."""
    await conn.execute("SET LOCAL search_path TO public")
    for table in tables:
        owner, grants = await _privileges(conn, table)
        sequence_grants = {seq: (await _privileges(conn, seq.split(".", 1)[1]))[1]
                           for _column, seq in await _serials(conn, "public", table)}
        await conn.execute(f"DROP TABLE public.{table}")
        await conn.execute(f"ALTER TABLE {schema}.{table} SET SCHEMA public")
        # The fresh table was made by whoever runs the rebuild (the administrator): it takes the live
        # one's owner (the service's owner role, which migrates it) and grants (the service's login).
        await conn.execute(f'ALTER TABLE public.{table} OWNER TO "{owner}"')
        for grantee, privilege in grants:
            await conn.execute(f"GRANT {privilege} ON public.{table} TO {grantee}")
        for seq, seq_grants in sequence_grants.items():  # moved with its table, owned with it
            for grantee, privilege in seq_grants:
                await conn.execute(f"GRANT {privilege} ON SEQUENCE {seq} TO {grantee}")
        moved = {_body(r["indexdef"]): r["indexname"] for r in await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1", table)}
        for original, definition in indexes[table]:  # the names the service's schema file knows
            if (current := moved.get(_body(definition))) and current != original:
                await conn.execute(f'ALTER INDEX public."{current}" RENAME TO "{original}"')
    await conn.execute(f"DROP SCHEMA {schema}")


async def rebuild(store: EventStore, name: str, apply: Apply, tables: list[str], *, chunk: int = 500,
                  progress: Progress | None = None) -> dict:
    """Rebuild the read model of projection `name` (its `tables`) and swap it in; returns counts."""
    schema = scratch_schema(name)
    pool = store.pool
    async with pool.acquire() as conn:
        indexes = await _create_fresh(conn, schema, tables)
    total = await pool.fetchval("SELECT count(*) FROM events")
    position, done = await _apply_chunks(store, apply, schema, Position(), None, chunk, 0, total, progress)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"LOCK TABLE {', '.join('public.' + t for t in tables)} IN ACCESS EXCLUSIVE MODE")
        live = await conn.fetchrow("SELECT tx_id::text::bigint AS tx_id, position FROM checkpoints WHERE name = $1"
                                   " FOR UPDATE", name)
        if live is None:  # no runner: written in its events' own transactions (which now wait for
            # the lock, or fail and are retried once their table is replaced): catch up to everything committed
            position, done = await _apply_chunks(store, apply, schema, position, None, chunk, done, total,
                                                 progress, conn)
        elif (live_at := Position(live["tx_id"], live["position"])) > position:
            # the live runner went on meanwhile: the fresh tables catch up to it
            position, done = await _apply_chunks(store, apply, schema, position, live_at, chunk, done, total,
                                                 progress, conn)
        await _swap_in(conn, schema, tables, indexes)
    return {"projection": name, "events": done, "tables": tables, "swapped_at": [position.tx_id, position.position]}
