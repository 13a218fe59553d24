"""The API's error handler (settings point here)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import RefusedWrite


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "append_only"


def exception_handler(exc, context):
    """DRF's handler, plus the two exceptions services raise on bad input.

    A service's ValidationError carries field names: it becomes a 400 with the
    same shape as a serializer's errors. A RefusedWrite (append-only records) is
    a refused write, not a crash.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, exceptions.ParseError):
        # A body that is not JSON: a 400 of the documented shape (messages by field), not {"detail": ...}.
        exc = exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [_("Corps de requête illisible : %(error)s") % {"error": exc.detail}]}
        )
    elif isinstance(exc, RefusedWrite):
        exc = Conflict(str(exc))
    return drf_exception_handler(exc, context)
