"""Reads of the RIDA table."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connection
from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from web.compiled import compiled

from ..models import Crisis, RidaLine, search_key


@dataclass
class RidaFilters:
    """Filters of the RIDA table, its exports and the API (the same names everywhere)."""

    kind: str = ""
    status: str = ""
    owner: int | None = None
    theme: str = ""
    overdue: bool = False
    q: str = ""
    meeting: int | None = None

    def apply(self, lines: QuerySet, now: datetime | None = None) -> QuerySet:
        if self.kind:
            lines = lines.filter(kind=self.kind)
        if self.status:
            lines = lines.filter(status=self.status)
        if self.owner:
            lines = lines.filter(owner_id=self.owner)
        if self.theme:
            lines = lines.filter(theme=self.theme)
        if self.meeting:
            lines = lines.filter(meeting_id=self.meeting)
        if self.overdue:
            lines = lines.filter(status__in=RidaLine.OPEN_STATUSES, due_at__lte=now or timezone.now())
        if self.q and (key := search_key(self.q).strip()):
            for word in key.split()[:8]:  # every word, in any order, accents and case ignored
                lines = lines.filter(search_text__contains=word)
        return lines


def rida_lines(crisis: Crisis, filters: RidaFilters | None = None) -> QuerySet:
    """Lines newest first with what a row shows (owner, source entry, meeting) joined: no query per row."""
    lines = RidaLine.objects.filter(crisis=crisis).select_related(
        "owner", "created_by", "closure_validated_by", "source_entry", "meeting"
    )
    return (filters or RidaFilters()).apply(lines).order_by("-seq")


def rida_page(crisis: Crisis, filters: RidaFilters, page: int, size: int = 50) -> tuple[list, int, int]:
    """One page of the table (newest first), the number of matching lines and of pages.

    Joined: what a row shows (its owner, source entry and meeting), as rida_lines_by_pk for the
    poll's rows; not the author and closure validator the exports print (two joins of users, on
    every load of the page)."""
    lines = (
        (filters or RidaFilters())
        .apply(RidaLine.objects.filter(crisis=crisis).select_related("owner", "source_entry", "meeting"))
        .order_by("-seq")
    )
    total = lines.count()
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    return list(lines[(page - 1) * size : page * size]), total, pages


def rida_page_keys(crisis: Crisis, filters: RidaFilters, page: int, size: int = 50) -> tuple[list, int, int, int]:
    """What a live poll compares: the (pk, seq, live_version) of one page's lines, the number of matching
    lines and of pages, and the page (past the last, the last), without reading the lines themselves.

    The count comes with the keys, in one statement: only a page past the last, which has no row
    to carry it, costs a count and a second read.
    """
    filters = filters or RidaFilters()
    read = _keys if filters == RidaFilters() else _filtered_keys
    page = max(page, 1)
    rows = read(crisis, filters, (page - 1) * size, size)
    if rows:
        total = rows[0][3]
    else:
        total = filters.apply(RidaLine.objects.filter(crisis=crisis)).count() if page > 1 else 0
    pages = max(1, -(-total // size))
    if page > pages:
        page = pages
        rows = read(crisis, filters, (page - 1) * size, size) if total else []
    return [tuple(row[:3]) for row in rows], total, pages, page


def _keys(crisis: Crisis, _filters: RidaFilters, offset: int, size: int) -> list:
    """(pk, seq, live_version, number of lines) of one page of the table unfiltered, what most polls show.

    A statement written once: the ORM built and read it in about as much CPU as the rest of the
    poll's answer. The count is a subquery, run once with its own plan (an index-only scan), while
    the page is read from the (crisis, seq) index and stops at LIMIT; a window over the rows would
    read every line of the crisis first (3 ms against 0.6 for a crisis of 5,000 lines, PostgreSQL 15).
    """
    with connection.cursor() as cursor:
        cursor.execute(_keys_sql(), [crisis.pk, crisis.pk, size, offset])
        return cursor.fetchall()


@cache
def _keys_sql() -> str:
    table = RidaLine._meta.db_table
    return (
        f"SELECT id, seq, live_version, (SELECT COUNT(*) FROM {table} WHERE crisis_id = %s) FROM {table}"
        " WHERE crisis_id = %s ORDER BY seq DESC LIMIT %s OFFSET %s"
    )


def _filtered_keys(crisis: Crisis, filters: RidaFilters, offset: int, size: int) -> list:
    """The same for a filtered table, through the ORM. The count is a window over the matching lines,
    computed before LIMIT: no index gives a filtered table in its order, so they are all read to be
    sorted anyway."""
    lines = filters.apply(RidaLine.objects.filter(crisis=crisis)).order_by("-seq")
    counted = lines.annotate(total=Window(Count("pk"))).values_list("pk", "seq", "live_version", "total")
    return list(counted[offset : offset + size])


def rida_lines_by_pk(crisis: Crisis, pks) -> list:
    """These lines with what a row of the table shows (its owner, source entry, meeting) joined.

    A poll asks it for the one or few rows that changed: compiled once per count (web.compiled),
    as compiling the joins cost more CPU than the rest of the read."""
    pks = sorted({int(pk) for pk in pks})  # as the ORM's IN would: each once
    if not pks:
        return []
    if len(pks) > COMPILED_UP_TO:  # a poll after a long sleep: rare, compiled as it comes
        return list(_lines_by_pk(crisis.pk, pks))
    example = list(range(1, len(pks) + 1))
    query = compiled(f"rida-lines-by-pk:{len(pks)}", lambda: _lines_by_pk(0, example), (0, *example))
    return query.fetch([crisis.pk, *pks])


COMPILED_UP_TO = 10


def _lines_by_pk(crisis_id: int, pks: list[int]) -> QuerySet:
    lines = RidaLine.objects.filter(crisis_id=crisis_id, pk__in=pks)
    return lines.select_related("owner", "source_entry", "meeting").order_by()


def rida_in_number_order(crisis: Crisis, filters: RidaFilters | None = None) -> QuerySet:
    """Every matching line in number order: exports and the printed RIDA sheet."""
    return rida_lines(crisis, filters).order_by("seq")


def rida_themes(crisis: Crisis) -> list[str]:
    themes = RidaLine.objects.filter(crisis=crisis).exclude(theme="").values_list("theme", flat=True).distinct()
    return sorted(themes.order_by(), key=str.casefold)


def my_open_actions_counted(crisis: Crisis, user, now: datetime, shown: int = 5) -> tuple[int, int, list[RidaLine]]:
    """How many open actions the member owns, how many are overdue, and the `shown` closest due (then
    by number), in one statement: the counts are window aggregates over all of them, computed before
    the LIMIT, carried by each line shown (no line: none owned).

    After every RIDA change each member's dashboard poll asks it: written once, one round trip (the
    ORM's query and a separate count took two, and building a window expression with the ORM cost
    more CPU than the round trip it saved)."""
    if shown < 1:
        raise ValueError("at least one line shown: the lines carry the counts")
    reader = _OwnActions.of(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(reader.sql, [connection.ops.adapt_datetimefield_value(now), crisis.pk, user.pk, shown])
        rows = cursor.fetchall()
    if not rows:
        return 0, 0, []
    lines = [reader.line(connection, row) for row in rows]
    return int(rows[0][-2]), int(rows[0][-1] or 0), lines


class _OwnActions:
    """The statement of ``my_open_actions_counted``, and the field conversions of its columns (aware
    datetimes on SQLite), looked up once per database as the ORM's compiler does for every query."""

    FIELDS = ("id", "crisis_id", "seq", "text", "due_at")

    @staticmethod
    @cache
    def of(alias: str) -> "_OwnActions":
        return _OwnActions(alias)

    def __init__(self, alias: str):
        from django.db import connections
        from django.db.models.sql import Query

        db = connections[alias]
        meta, quote = RidaLine._meta, db.ops.quote_name
        self.alias = alias
        fields = [meta.get_field(name) for name in self.FIELDS]
        column = {name: quote(field.column) for name, field in zip(self.FIELDS, fields, strict=True)}
        statuses = ", ".join(f"'{status}'" for status in RidaLine.OPEN_STATUSES)  # constants of the model
        self.sql = (
            f"SELECT {', '.join(column.values())}, COUNT(*) OVER (),"
            f" SUM(CASE WHEN {column['due_at']} <= %s THEN 1 ELSE 0 END) OVER ()"
            f" FROM {quote(meta.db_table)} WHERE {column['crisis_id']} = %s AND {quote(meta.get_field('owner').column)} = %s"
            f" AND {quote(meta.get_field('status').column)} IN ({statuses})"
            f" ORDER BY {column['due_at']} IS NULL, {column['due_at']}, {column['seq']} LIMIT %s"
        )
        compiler = db.ops.compiler("SQLCompiler")(Query(RidaLine), db, alias)
        self.converters = list(compiler.get_converters([field.get_col(meta.db_table) for field in fields]).items())

    def line(self, db, row: tuple) -> RidaLine:
        values = list(row[: len(self.FIELDS)])
        for position, (converters, column) in self.converters:
            for converter in converters:
                values[position] = converter(values[position], column, db)
        return RidaLine.from_db(self.alias, list(self.FIELDS), values)


def rida_counters(crisis: Crisis, user, now: datetime | None = None) -> dict:
    """Open, overdue, mine and my overdue lines, in one query (mine: none without a user).

    Every dashboard render counts them: one statement written once (the ORM's four filtered
    counts cost about 3 ms of CPU to build, this about 0.2), the same on SQLite and PostgreSQL.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _counters_sql(),
            [
                connection.ops.adapt_datetimefield_value(now),
                getattr(user, "pk", None),
                getattr(user, "pk", None),
                connection.ops.adapt_datetimefield_value(now),
                crisis.pk,
                *RidaLine.OPEN_STATUSES,
            ],
        )
        row = cursor.fetchone()
    return dict(zip(("open", "overdue", "mine", "my_overdue"), (int(n or 0) for n in row), strict=True))


@cache
def _counters_sql() -> str:
    placeholders = ", ".join(["%s"] * len(RidaLine.OPEN_STATUSES))
    return (
        "SELECT COUNT(*),"
        " SUM(CASE WHEN due_at <= %s THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN owner_id = %s THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN owner_id = %s AND due_at <= %s THEN 1 ELSE 0 END)"
        f" FROM {RidaLine._meta.db_table} WHERE crisis_id = %s AND status IN ({placeholders})"
    )
