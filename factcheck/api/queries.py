"""The querysets behind the API, each with the joins its serializer reads,
so a page costs the same number of queries at 1 and at 200 claims."""

from collections.abc import Callable
from typing import Any, NamedTuple

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, router
from django.db.models import Prefetch, QuerySet
from django.db.models.query import ValuesIterable
from psycopg.pq import Format

from factcheck import export, visibility
from factcheck.models import Article, Claim, Evidence, Verdict

TIMESTAMPTZ, TEXT = 1184, Format.TEXT  # psycopg.postgres.types['timestamptz'].oid


def claims_for(user) -> QuerySet[Claim]:
    """Claims this account may see (``factcheck.visibility``), with what their JSON reads."""
    verdicts = Verdict.objects.select_related("rating", "author", "approved_by")
    queryset = Claim.objects.select_related("article", "media").prefetch_related(
        Prefetch("verdicts", queryset=verdicts),
        Prefetch("evidence", queryset=Evidence.objects.order_by("added_at", "id")),
        "tags",
    )
    return visibility.claims_visible_to(user, queryset)


def articles_for(user, *, with_claims: bool = False) -> QuerySet[Article]:
    queryset = Article.objects.all()
    if with_claims:
        claims = claims_for(user).order_by("span_start", "id")
        queryset = queryset.prefetch_related("media", Prefetch("claims", queryset=claims))
    return queryset


class _Compiled(NamedTuple):
    """A ``values()`` query's SQL with what turns its rows into dicts."""

    sql: str
    compiler: Any
    converters: dict
    names: list[str]

    @classmethod
    def of(cls, compiler, sql: str) -> "_Compiled":
        query = compiler.query
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return cls(sql, compiler, converters, [*query.extra_select, *query.values_select, *query.annotation_select])


def _fetch(db, compiled: _Compiled, params) -> list[dict]:
    """The rows of a compiled ``values()`` query on PostgreSQL, its timestamps read by psycopg's C loader."""
    with db.cursor() as cursor:  # Django's wrapper: counted and logged like any query
        cursor.cursor.adapters.register_loader(TIMESTAMPTZ, psycopg.adapters.get_loader(TIMESTAMPTZ, TEXT))
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if compiled.converters:
        rows = compiled.compiler.apply_converters(rows, compiled.converters)
    return [dict(zip(compiled.names, row, strict=True)) for row in rows]


class FastRows(ValuesIterable):
    """``values()`` rows, with PostgreSQL's timestamps read by psycopg's C loader.

    Django registers a loader of its own for ``timestamptz`` (to set the tzinfo), built on
    psycopg's pure-Python one: a regular expression per value, 16 µs each, 1,200 values on an
    export page (issue 14). The C loader gives the same instant in the session's zone, which
    Django sets to UTC. It is set on this query's cursor only; the SQL, the converters and the
    query log stay Django's."""

    def __iter__(self):
        queryset = self.queryset
        db = connections[queryset.db]
        if db.vendor != "postgresql":
            return super().__iter__()
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return iter(())
        return iter(_fetch(db, _Compiled.of(compiler, sql), params))


def fast_values(queryset: QuerySet, *fields: str) -> QuerySet:
    """``queryset.values(*fields)``, read through ``FastRows``."""
    rows = queryset.values(*fields)
    rows._iterable_class = FastRows
    return rows


def _of_claims(queryset: QuerySet, ids: list[int]) -> QuerySet:
    """Rows of these claims. On PostgreSQL ``claim_id = ANY(%s)`` with one array: Django's
    ``__in`` prepares each of a page's 200 ids on its own (5 ms a query, issue 14)."""
    if connection.vendor != "postgresql":
        return queryset.filter(claim_id__in=ids)
    column = f'"{queryset.model._meta.db_table}"."claim_id"'
    return queryset.extra(where=[f"{column} = ANY(%s)"], params=[ids])  # noqa: S610 - a fixed column name


def visible_claims(user) -> QuerySet[Claim]:
    """The claims this account may see, bare: the list filters and pages it, then reads rows."""
    return visibility.claims_visible_to(user, Claim.objects.all())


_by_key: dict[tuple[str, str], tuple[_Compiled, tuple, int]] = {}  # and where the ids go among the parameters


def rows_of_claims(key: str, build: Callable[[list[int]], QuerySet], ids: list[int]) -> list[dict]:
    """``list(build(ids))`` for a ``values()`` query whose only parameter that changes is the page's
    claim ids. On PostgreSQL its SQL is compiled once per process and kept under ``key``: building
    and compiling a query through the ORM costs about 0.5 ms, as much as running it, and a page of
    the export runs three of them (issue 14). Timestamps are read as ``FastRows`` reads them.

    One ``key`` is one query: a key given to another ``build`` would run the first one's SQL. The
    claims' related rows live in the claims' database (no router sends them elsewhere)."""
    if not ids:
        return []
    db_alias = router.db_for_read(Claim)
    db = connections[db_alias]
    if db.vendor != "postgresql":
        return list(build(ids))
    kept = _by_key.get((key, db_alias))
    if kept is None:
        marker: list[int] = []
        compiler = build(marker).query.get_compiler(db_alias)
        sql, params = compiler.as_sql()
        at = next((i for i, param in enumerate(params) if param is marker), None)
        if at is None:
            raise ValueError(f"rows_of_claims({key!r}): the query does not take the ids as one parameter")
        kept = _by_key[key, db_alias] = (_Compiled.of(compiler, sql), tuple(params), at)
    compiled, fixed, at = kept
    params = list(fixed)
    params[at] = ids
    return _fetch(db, compiled, params)


def _verdicts(public: bool) -> Callable[[list[int]], QuerySet]:
    shown = Verdict.objects.approved() if public else Verdict.objects.all()
    return lambda ids: _of_claims(shown, ids).order_by().values(*export.VERDICT_FIELDS)


def _evidence(ids: list[int]) -> QuerySet:
    return _of_claims(Evidence.objects.order_by("added_at", "id"), ids).values(*export.EVIDENCE_FIELDS)


def _tags(ids: list[int]) -> QuerySet:
    return _of_claims(Claim.tags.through.objects.order_by("tag__name"), ids).values("claim_id", "tag__slug")


def _approved_verdicts(ids: list[int]) -> QuerySet:
    return _of_claims(Verdict.objects.approved().order_by(), ids).values(*export.REVIEW_VERDICT_FIELDS)


def claims_page_json(rows: list[dict], *, public: bool, absolute) -> list[dict]:
    """A page of claims' JSON from their rows (``values(*export.CLAIM_FIELDS)``): three queries
    whatever the page's size (verdicts with their ratings, evidence, topics), no model instances."""
    ids = [row["id"] for row in rows]
    verdicts = export.grouped(rows_of_claims(f"verdicts:{public}", _verdicts(public), ids))
    evidence = export.grouped(rows_of_claims("evidence", _evidence, ids))
    tags: dict[int, list[str]] = {}
    for tag in rows_of_claims("tags", _tags, ids):
        tags.setdefault(tag["claim_id"], []).append(tag["tag__slug"])
    builder = export.Builder(public=public, absolute=absolute)
    return [
        builder.claim(row, verdicts.get(row["id"], []), evidence.get(row["id"], []), tags.get(row["id"], []))
        for row in rows
    ]


def claimreview_page(rows: list[dict]) -> list:
    """A page of claims (rows of ``export.REVIEW_CLAIM_FIELDS``) for ``claimreview.claimreview_feed``:
    one query more, for their approved verdicts with their ratings."""
    ids = [row["id"] for row in rows]
    verdicts = export.grouped(rows_of_claims("approved verdicts", _approved_verdicts, ids))
    return [export.reviewed_claim(row, verdicts.get(row["id"], [])) for row in rows]
