"""The journal entry's "suite à donner": its RIDA lines, and the one-click form that makes it an action."""

from django import forms, template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..forms import RidaLineForm
from ..models import Decision, JournalEntry, Membership, RidaLine
from ..permissions import Cap

register = template.Library()


@register.inclusion_tag("crisis/_entry_follow_up.html", takes_context=True)
def entry_follow_up(context, crisis, entry):
    """Lines that came from this entry (the link back), and a prefilled action form for RIDA managers."""
    request = context["request"]
    lines = RidaLine.objects.filter(source_entry=entry).select_related("owner").order_by("seq")
    membership = Membership.objects.filter(
        user=request.user, establishment_id=crisis.establishment_id, is_active=True
    ).first()
    form = None
    if membership is not None and membership.has(Cap.MANAGE_RIDA) and crisis.is_open:
        initial = {
            "kind": RidaLine.Kind.ACTION,
            "text": entry.text,
            "source_entry": entry.pk,
            "next": reverse("crisis:journal-entry", args=[crisis.pk, entry.seq]),
        }
        form = RidaLineForm(crisis=crisis, initial=initial, auto_id="suite_%s")
        form.fields["kind"].widget = forms.HiddenInput()  # the buttons say which kind they create
    decision = (
        Decision.objects.filter(journal_entry=entry).first() if entry.kind == JournalEntry.Kind.DECISION else None
    )
    can_decide = (
        entry.kind == JournalEntry.Kind.DECISION
        and decision is None
        and membership is not None
        and membership.has(Cap.DECIDE)
        and crisis.is_open
    )
    return {
        "crisis": crisis,
        "entry": entry,
        "lines": lines,
        "form": form,
        "decision": decision,
        "can_decide": can_decide,
        "csrf_token": context.get("csrf_token"),
    }


def escaped_choices(choices) -> list[tuple[str, str]]:
    """Choices escaped once per page, for choice_select."""
    return [(escape(str(value)), escape(str(label))) for value, label in choices]


@register.simple_tag
def choice_select(name: str, pk, choices, selected, blank: str | None = None):
    """A <select> from choices escaped once (escaped_choices): the RIDA table renders two per row, and a
    template loop, or format_html, per option costs more than the rest of the row."""
    selected = "" if selected is None else escape(str(selected))
    options = "".join(
        f'<option value="{value}"{" selected" if value == selected else ""}>{label}</option>'
        for value, label in choices
    )
    first = f'<option value="">{escape(blank)}</option>' if blank is not None else ""
    return mark_safe(f'<select name="{escape(name)}" id="{escape(name)}-{int(pk)}">{first}{options}</select>')
