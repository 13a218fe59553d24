"""Members of the crisis's establishment as choices, queried once per form."""

from django import forms
from django.contrib.auth import get_user_model


def members_of(crisis):
    """Active members of the crisis's establishment, by name: the owners and attendees one may choose."""
    return (
        get_user_model()
        .objects.filter(memberships__establishment_id=crisis.establishment_id, memberships__is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def person(user) -> str:
    """A member as the forms name them."""
    return user.get_full_name() or user.get_username()


class MemberChoices:
    """Member fields queried once per form (a table renders one inline form per row)."""

    member_fields: tuple[str, ...] = ()

    def __init__(self, *args, crisis, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = members if members is not None else list(members_of(crisis))
        choices = [(user.pk, person(user)) for user in members]
        by_pk = {user.pk: user for user in members}
        for name in self.member_fields:
            field = self.fields[name]
            field.choices = choices if isinstance(field, forms.MultipleChoiceField) else [("", "—")] + choices
        self.members = by_pk

    def member(self, value):
        return self.members.get(int(value)) if value not in (None, "") else None
