"""A queryset compiled once, run again with other parameters: the ORM's objects without its compile.

The ORM compiles a queryset to SQL on every evaluation. For a read with joins
(``select_related``) that is most of the CPU: a RIDA poll that sends one row again spent a
quarter of its time compiling the one query that reads the line, its owner, its entry and
its meeting (docs/performance.md). ``compiled`` keeps the SQL and the compiler's description of
the columns, per thread (Django's connections are per thread; a compiler holds one), and builds
the instances as Django's ``ModelIterable`` does: the same conversions, the same related objects,
and the same objects as the queryset would give.

    query = compiled("rida-lines-by-pk:3", lambda: RidaLine.objects.filter(crisis_id=0, pk__in=[1, 2, 3]), (0, 1, 2, 3))
    lines = query.fetch([crisis.pk, *pks])  # the parameters in the compiled statement's order

`expected` is the compiled statement's parameters as the example queryset gives them: a
statement whose parameters come otherwise (another order, values merged) is refused at once
rather than run with the values in the wrong places. Only for querysets evaluated as model
instances (no values(), no prefetch), given values of the types the database takes as they are
(the ORM's own preparation of a value is skipped).
"""

import threading
from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

_local = threading.local()


class CompiledQuery:
    def __init__(self, queryset: QuerySet, expected: tuple):
        self.alias = queryset.db
        self.compiler = queryset.query.get_compiler(using=self.alias)
        self.sql, params = self.compiler.as_sql()  # fills select and klass_info
        if tuple(params) != tuple(expected):
            raise ValueError(f"the compiled statement takes {params!r}, not {expected!r}")
        self.example_params = tuple(params)
        klass_info, select = self.compiler.klass_info, self.compiler.select
        self.model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model_slice = slice(start, end)
        self.init_list = [column[0].target.attname for column in select[start:end]]
        self.related_populators = get_related_populators(klass_info, select, self.alias)

    def fetch(self, params: Sequence) -> list:
        if len(params) != len(self.example_params):
            raise ValueError(f"{len(self.example_params)} parameters expected, {len(params)} given")
        connection = connections[self.alias]
        self.compiler.connection = connection  # this thread's (or this context's): its converters' settings
        with connection.cursor() as cursor:
            cursor.execute(self.sql, list(params))
            rows = cursor.fetchall()
        objects = []
        for row in self.compiler.results_iter([rows]):
            obj = self.model.from_db(self.alias, self.init_list, row[self.model_slice])
            for populator in self.related_populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


def compiled(key: str, build: Callable[[], QuerySet], expected: tuple) -> CompiledQuery:
    """The compiled form of the queryset `build` returns, made once per thread under `key`; its
    parameters must be `expected` (see above)."""
    queries = _local.__dict__.setdefault("queries", {})
    if key not in queries:
        queries[key] = CompiledQuery(build(), expected)
    return queries[key]
