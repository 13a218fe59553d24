"""Forms of the main courante: an entry, a correction, the filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from web.forms import (
    EventDateField,
    EventTimeField,
    EventTimeForm,
    SegmentedRadio,
    Unsuffixed,
    local_datetime_field,
)

from ..models import JournalEntry
from ..selectors import JournalFilters

# Longest text of a journal entry or correction (the API uses the same bound).
MAX_TEXT = 20_000


# One letter per choice, the same in French and English (Fait/Fact, Décision/Decision...).
KIND_KEYS = {"fait": "f", "information": "i", "decision": "d", "action": "a", "communication": "c"}
PRIORITY_KEYS = {"urgent": "u", "normal": "n", "info": "p"}


class JournalEntryForm(Unsuffixed, EventTimeForm):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=JournalEntry.Kind.choices,
        initial=JournalEntry.Kind.FAIT,
        widget=SegmentedRadio(keys=KIND_KEYS),
    )
    priority = forms.ChoiceField(
        label=_("Priorité"),
        choices=JournalEntry.Priority.choices,
        initial=JournalEntry.Priority.NORMAL,
        widget=SegmentedRadio(keys=PRIORITY_KEYS),
    )
    date = EventDateField(label=_("Date"), required=False)
    time = EventTimeField(label=_("Heure"), required=False, help_text=_("Vide : maintenant."))
    text = forms.CharField(
        label=_("Texte"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Que s'est-il passé ?"), "data-submit-on-enter": ""}),
    )
    channel = forms.ChoiceField(
        label=_("Canal"), choices=JournalEntry.Channel.choices, initial=JournalEntry.Channel.NON_PRECISE, required=False
    )
    sender = forms.CharField(label=_("Émetteur"), max_length=200, required=False)
    recipient = forms.CharField(label=_("Destinataire"), max_length=200, required=False)
    attachment = forms.FileField(
        label=_("Pièce jointe"),
        required=False,
        help_text=_("Photo d'une note papier (JPEG, PNG, WebP) ou PDF."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )

    def __init__(self, *args, remembered: dict | None = None, **kwargs):
        """`remembered`: the type and channel this member chose last, kept for the next entry."""
        initial = {"date": timezone.localdate(), **(remembered or {}), **kwargs.pop("initial", {})}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["text"].widget.attrs["autofocus"] = ""

    def entry_fields(self) -> dict:
        """What journal_append takes."""
        fields = {name: self.cleaned_data[name] for name in ("kind", "priority", "text", "channel", "sender")}
        fields |= {"recipient": self.cleaned_data["recipient"], "attachment": self.cleaned_data["attachment"]}
        fields["channel"] = fields["channel"] or JournalEntry.Channel.NON_PRECISE
        fields["occurred_at"] = self.cleaned_data["occurred_at"]
        return fields


class CorrectionForm(Unsuffixed, EventTimeForm):
    """A correction may change the text, type, priority, time and channel; it starts from the entry's values."""

    text = forms.CharField(
        label=_("Texte corrigé"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("L'entrée d'origine reste visible, marquée comme corrigée."),
    )
    # Each field starts from the entry's value; one left out of the request stays as it was.
    kind = forms.ChoiceField(
        label=_("Type"), choices=JournalEntry.Kind.choices, widget=SegmentedRadio(keys=KIND_KEYS), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priorité"),
        choices=JournalEntry.Priority.choices,
        widget=SegmentedRadio(keys=PRIORITY_KEYS),
        required=False,
    )
    date = EventDateField(label=_("Date"), required=False)
    time = EventTimeField(label=_("Heure"), required=False)
    channel = forms.ChoiceField(label=_("Canal"), choices=JournalEntry.Channel.choices, required=False)
    empty_time_is_now = False

    def __init__(self, *args, original: JournalEntry, **kwargs):
        self.original = original
        local = timezone.localtime(original.occurred_at)
        initial = {
            "text": original.text,
            "kind": original.kind,
            "priority": original.priority,
            "channel": original.channel,
            "date": local.date(),
            "time": local.strftime("%H:%M"),
        }
        super().__init__(*args, initial=initial, **kwargs)

    def correction_fields(self) -> dict:
        """What journal_correct takes: a time sent back unchanged (to the minute) keeps the original's."""
        fields = {"text": self.cleaned_data["text"]}
        for name in ("kind", "priority", "channel"):
            if self.cleaned_data[name]:
                fields[name] = self.cleaned_data[name]
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at is not None and occurred_at != self.original.occurred_at.replace(second=0, microsecond=0):
            fields["occurred_at"] = occurred_at
        return fields


class JournalFilterForm(Unsuffixed, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("Tous"))] + JournalEntry.Kind.choices, required=False)
    priority = forms.ChoiceField(
        label=_("Priorité"), choices=[("", _("Toutes"))] + JournalEntry.Priority.choices, required=False
    )
    author = forms.TypedChoiceField(label=_("Auteur"), coerce=int, required=False, empty_value=None)
    since = local_datetime_field(_("Depuis"), required=False)
    until = local_datetime_field(_("Jusqu'à"), required=False)
    q = forms.CharField(label=_("Recherche"), required=False, max_length=200)

    def __init__(self, *args, authors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = [("", _("Tous"))] + [
            (m.user_id, m.user.get_full_name() or m.user.username) for m in authors
        ]

    def filters(self) -> JournalFilters:
        """The valid filters; an invalid one is ignored (and shown as an error on the form)."""
        if not self.is_bound:
            return JournalFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return JournalFilters(**data)
