"""The API's default pagination (settings point here, so it must not import DRF views)."""

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """DRF's limit/offset with bounds: a huge offset or limit overflows the database driver (a 500)."""

    max_limit = 500
    max_offset = 2**31 - 1

    def get_offset(self, request) -> int:
        return min(super().get_offset(request), self.max_offset)
