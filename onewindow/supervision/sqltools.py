"""The few SQL spellings that differ between PostgreSQL and SQLite, for the set-based sweep.

Everything else the sweep writes is plain SQL both databases run as is: ``INSERT … SELECT …
ON CONFLICT DO NOTHING`` (SQLite wants a ``WHERE`` in such a ``SELECT``), ``ON CONFLICT (…) DO
UPDATE SET … EXCLUDED.…``, correlated subqueries, temporary tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def greatest(*terms: str) -> str:
    return ("GREATEST(" if is_postgresql() else "MAX(") + ", ".join(terms) + ")"


def json_object(*pairs: tuple[str, str]) -> str:
    """A JSON object built in SQL from (key, SQL expression) pairs; values become text or
    numbers as the expressions are."""
    function = "jsonb_build_object" if is_postgresql() else "json_object"
    args = ", ".join(f"'{key}', {expression}" for key, expression in pairs)
    return f"{function}({args})"


def text(expression: str) -> str:
    return f"CAST({expression} AS TEXT)"


def date(value: dt.date) -> Any:
    """A date parameter as the database stores it."""
    return connection.ops.adapt_datefield_value(value)


def moment(value: dt.datetime) -> Any:
    """An aware datetime parameter as the database stores it (UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def execute(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
    """Run one statement; the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount or 0)


def scalar(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def rows(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def analyze(table: str) -> None:
    """On PostgreSQL, give the planner the statistics of a table just written (temporary
    tables have none until analysed; a big rewrite leaves them stale)."""
    if is_postgresql():
        execute(f"ANALYZE {table}")


def concat(template: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """A translated text with ``{name}`` slots filled by SQL expressions: ``'…' || expr || '…'``.

    The literal parts are passed as parameters, never spliced into the SQL.
    """
    parts: list[str] = []
    params: list[str] = []
    rest = template
    while rest:
        start = rest.find("{")
        end = rest.find("}", start)
        if start < 0 or end < 0:
            parts.append("%s")
            params.append(rest)
            break
        if start:
            parts.append("%s")
            params.append(rest[:start])
        name = rest[start + 1 : end]
        parts.append(text(values[name]))
        rest = rest[end + 1 :]
    if not parts:
        return "%s", [""]
    cast = [f"CAST({p} AS TEXT)" if p == "%s" else p for p in parts]
    return " || ".join(cast), params


def batch_memory() -> None:
    """On PostgreSQL, give the enclosing transaction ``ONEWINDOW_SUPERVISION_WORK_MEM`` for
    sorts and hashes: the sweep sorts and hashes hundreds of thousands of rows at once, which
    the server's default (a few MB per operation, sized for many small queries) would spill to
    temporary files."""
    if is_postgresql():
        execute(
            "SELECT set_config('work_mem', %s, true)", [settings.ONEWINDOW_SUPERVISION_WORK_MEM]
        )


class hash_joins:
    """On PostgreSQL, plan the enclosed statements without nested loops.

    The sweep compares sets it has just written (the current subjects, the alerts, the new
    findings), tables whose statistics still say "almost empty"; a nested loop chosen on that
    belief reads the inner table once per outer row. Hash and merge joins stay linear whatever
    the estimates. SQLite has one join strategy and is left alone.
    """

    def __enter__(self) -> None:
        if is_postgresql():
            execute("SET LOCAL enable_nestloop = off")

    def __exit__(self, *exc: object) -> None:
        if is_postgresql() and exc[0] is None:
            execute("SET LOCAL enable_nestloop = on")


class index_joins:
    """On PostgreSQL, plan the enclosed statements with nested loops over indexes.

    For the incremental sweep's statements: a small set it has just written (the cases with
    new events, the subjects that changed level) is joined with a large table by a unique or
    indexed key. Probing the index once per row costs what the small set holds; a hash join
    reads the whole large table, which is what the incremental sweep is there to avoid.
    """

    def __enter__(self) -> None:
        if is_postgresql():
            execute("SET LOCAL enable_hashjoin = off")
            execute("SET LOCAL enable_mergejoin = off")

    def __exit__(self, *exc: object) -> None:
        if is_postgresql() and exc[0] is None:
            execute("SET LOCAL enable_hashjoin = on")
            execute("SET LOCAL enable_mergejoin = on")
