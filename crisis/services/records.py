"""Histories of records: who changed what, when, from what to what."""

from django.contrib.contenttypes.models import ContentType

from ..models import Establishment, RecordChange

# --- history of records ---------------------------------------------------


def history_record(*, obj, establishment: Establishment, by, before: dict, after: dict, action: str = "update"):
    """Keep one change of a record: who, when, the fields before and after."""
    return RecordChange.objects.create(
        establishment=establishment,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        changed_by=by,
        before=before,
        after=after,
    )
