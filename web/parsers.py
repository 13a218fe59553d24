"""DRF's parsers, with every string of the body cleaned of control characters (web.text).

The settings list these in place of DRF's own, so every API endpoint cleans its input in
one place. Passwords are left as sent: they are compared, never shown or exported.
"""

from django.http import QueryDict
from rest_framework import parsers
from rest_framework.parsers import DataAndFiles

from .text import cleaned, without_control_characters

KEEP = frozenset({"password"})


def _cleaned_query_dict(data: QueryDict) -> QueryDict:
    copy = data.copy()
    for key, values in copy.lists():
        if key not in KEEP:
            copy.setlist(key, [without_control_characters(value) for value in values])
    copy._mutable = False
    return copy


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return cleaned(super().parse(stream, media_type, parser_context), keep=KEEP)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _cleaned_query_dict(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        return DataAndFiles(_cleaned_query_dict(parsed.data), parsed.files)
