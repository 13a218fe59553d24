"""Values for the ids comms's URLs take, for the accessibility test (tests/e2e/accessibility.py): the demo's
call list, Flash info and message of the night's crisis."""

from comms.models import CallList, DirectoryEntry, FlashInfo, Message


def id_values(establishment) -> dict[str, list]:
    def first(model) -> list:
        return list(
            model.objects.filter(crisis__establishment=establishment).order_by("pk").values_list("pk", flat=True)[:1]
        )

    entries = DirectoryEntry.objects.filter(establishment=establishment).order_by("pk").values_list("pk", flat=True)
    return {
        "list_id": first(CallList),
        "flash_id": first(FlashInfo),
        "message_id": first(Message),
        "entry_id": list(entries[:1]),
    }
