"""API field types every app's serializers share: dates bounded like the forms, written in RFC 3339, and strict text.

Use ``ModelSerializer`` from here (not DRF's) so model date and text fields get the same
fields, ``DateTimeField`` for input dates and ``CharField`` for text.
"""

from datetime import timezone as dt_timezone

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# The years the forms accept (web.forms.BoundedDateTimeField): a crisis console
# has no business with year 1, and year 9999 overflows time zone arithmetic.
MIN_YEAR, MAX_YEAR = 2000, 2100


class DateTimeField(serializers.DateTimeField):
    """Input: local dates from 2000 to 2100. Output: UTC with a Z, always RFC 3339.

    Output in Europe/Paris would be RFC 3339 for modern dates only: before 1911
    Paris kept its mean solar time, an offset of +00:09:21 that RFC 3339 cannot write.
    """

    default_error_messages = {"out_of_range": _("Date hors des limites acceptées (années {min} à {max}).")}

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
            local_year = parsed.astimezone(timezone.get_current_timezone()).year
            parsed.astimezone(dt_timezone.utc)
        except OverflowError:  # DRF's own time zone step overflows near year 1 or 9999
            self.fail("out_of_range", min=MIN_YEAR, max=MAX_YEAR)
        if not MIN_YEAR <= local_year <= MAX_YEAR:
            self.fail("out_of_range", min=MIN_YEAR, max=MAX_YEAR)
        return parsed

    def to_representation(self, value):
        if not value:
            return None
        return value.astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z")


class CharField(serializers.CharField):
    """Text, and only text: DRF's own turns a number into text, where the schema says a string."""

    default_error_messages = {"not_text": _("Texte attendu.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer with this module's date and text fields."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
        models.CharField: CharField,
        models.TextField: CharField,
    }
