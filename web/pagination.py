"""The API's default pagination (settings point here, so it must not import DRF views)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """DRF's limit/offset, but strict: a malformed value is a 400, not silently the first page.

    A huge but well-formed value is bounded (the database driver would overflow on it).
    """

    max_limit = 500
    max_offset = 2**31 - 1

    def get_limit(self, request) -> int:
        return self._parameter(
            request, self.limit_query_param, minimum=1, default=self.default_limit, cap=self.max_limit
        )

    def get_offset(self, request) -> int:
        return self._parameter(request, self.offset_query_param, minimum=0, default=0, cap=self.max_offset)

    def get_schema_operation_parameters(self, view):
        """DRF's two parameters, with the bounds get_limit and get_offset enforce."""
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.limit_query_param: {"minimum": 1}, self.offset_query_param: {"minimum": 0}}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    @staticmethod
    def _parameter(request, name: str, *, minimum: int, default: int, cap: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise ValidationError({name: [_("Entier attendu, au moins %(minimum)s.") % {"minimum": minimum}]})
        return min(value, cap)
