from django import forms
from django.utils.translation import gettext_lazy as _

from crisis.models import Establishment, Service
from web.forms import Unsuffixed, local_datetime_field

from .models import Call, ContactLogEntry, DirectoryEntry, FlashInfo, Message, MessageTemplate


class SearchForm(Unsuffixed, forms.Form):
    KINDS = [
        ("", _("tous")),
        ("interne", _("personnel")),
        ("externe", _("contacts extérieurs")),
        ("perime", _("à vérifier")),
    ]
    q = forms.CharField(
        label=_("Rechercher"),
        max_length=100,
        required=False,
        help_text=_("Nom, fonction, organisme ; accents et fautes de frappe tolérés."),
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label=_("tous")
    )
    kind = forms.ChoiceField(label=_("Afficher"), choices=KINDS, required=False)

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(establishment=establishment, is_active=True)


class EntryForm(Unsuffixed, forms.ModelForm):
    class Meta:
        model = DirectoryEntry
        fields = [
            "last_name",
            "first_name",
            "function",
            "service",
            "extension",
            "dect",
            "direct_line",
            "mobile",
            "crisis_role",
            "on_call",
            "category",
            "organisation",
            "call_for",
            "checked_at",
        ]
        widgets = {"checked_at": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(establishment=establishment, is_active=True)


class ImportForm(Unsuffixed, forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_("Les colonnes de l'export : nom, prenom, fonction, service, poste, dect, ligne_directe, mobile…"),
    )
    dry_run = forms.BooleanField(label=_("Essai à blanc (ne rien enregistrer)"), required=False, initial=True)


class CallListForm(Unsuffixed, forms.Form):
    title = forms.CharField(
        label=_("Situation"),
        max_length=160,
        help_text=_("Ex. : rappel du personnel des urgences, activation de la cellule."),
    )
    service = forms.ModelChoiceField(
        label=_("Appeler le personnel du service"), queryset=Service.objects.none(), required=False
    )
    cell = forms.BooleanField(label=_("Appeler les membres de la cellule (rôle de crise renseigné)"), required=False)
    on_call = forms.BooleanField(label=_("Seulement les personnes d'astreinte"), required=False)
    message = forms.CharField(
        label=_("Message SMS"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Réponse attendue : « OUI 20 min » ou « NON »."),
    )

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(establishment=establishment, is_active=True)

    def clean(self):
        data = super().clean()
        if not data.get("service") and not data.get("cell"):
            raise forms.ValidationError(_("Choisissez un service ou la cellule."))
        return data


class CallForm(Unsuffixed, forms.Form):
    call = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    outcome = forms.ChoiceField(label=_("Résultat"), choices=Call.Outcome.choices)
    arrival = forms.CharField(label=_("Arrivée prévue"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class FlashForm(Unsuffixed, forms.ModelForm):
    incident_1 = forms.CharField(label=_("Incident 1"), max_length=300, required=False)
    answer_1 = forms.CharField(label=_("Réponse donnée (incident 1)"), max_length=1000, required=False)
    incident_2 = forms.CharField(label=_("Incident 2"), max_length=300, required=False)
    answer_2 = forms.CharField(label=_("Réponse donnée (incident 2)"), max_length=1000, required=False)
    incident_3 = forms.CharField(label=_("Incident 3"), max_length=300, required=False)
    answer_3 = forms.CharField(label=_("Réponse donnée (incident 3)"), max_length=1000, required=False)
    next_due_at = local_datetime_field(_("Prochain numéro prévu le"), required=False)

    field_order = [
        "headline",
        *[f"{name}_{i}" for i in (1, 2, 3) for name in ("incident", "answer")],
        "restored",
        "still_down",
        "zoom_service",
        "zoom",
        "next_due_at",
    ]

    class Meta:
        model = FlashInfo
        fields = ["headline", "restored", "still_down", "zoom_service", "zoom", "next_due_at"]
        widgets = {k: forms.Textarea(attrs={"rows": 3}) for k in ("restored", "still_down", "zoom")}

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zoom_service"].queryset = Service.objects.filter(establishment=establishment, is_active=True)
        for i, incident in enumerate((self.instance.incidents or [])[:3], start=1):
            self.initial.setdefault(f"incident_{i}", incident.get("title", ""))
            self.initial.setdefault(f"answer_{i}", incident.get("answer", ""))

    def incidents(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {"title": d[f"incident_{i}"], "answer": d[f"answer_{i}"]}
            for i in (1, 2, 3)
            if d.get(f"incident_{i}", "").strip()
        ]

    def changes(self) -> dict:
        fields = {k: self.cleaned_data[k] for k in self.Meta.fields}
        return {**fields, "incidents": self.incidents()}


class NewMessageForm(Unsuffixed, forms.Form):
    template = forms.ModelChoiceField(label=_("Modèle"), queryset=MessageTemplate.objects.none())

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class MessageForm(Unsuffixed, forms.Form):
    """A message's title, text and one field per placeholder."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(label=_("Texte"), max_length=10000, widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args, names: list[str], values: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = names
        for name in names:
            self.fields[f"v_{name}"] = forms.CharField(
                label="{" + name + "}", max_length=2000, required=False, initial=values.get(name, "")
            )

    def values(self) -> dict:
        return {name: self.cleaned_data.get(f"v_{name}", "") for name in self.names}


class PublishForm(Unsuffixed, forms.Form):
    channel = forms.ChoiceField(label=_("Canal"), choices=Message.Channel.choices)
    next_update_at = local_datetime_field(_("Prochaine mise à jour"), required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("Unités qui doivent accuser réception"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Service.objects.filter(establishment=establishment, is_active=True)


class AckForm(Unsuffixed, forms.Form):
    ack = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    by_name = forms.CharField(label=_("Confirmé par"), max_length=120, required=False)


class ContactForm(Unsuffixed, forms.ModelForm):
    at = local_datetime_field(_("À"), required=False)

    class Meta:
        model = ContactLogEntry
        fields = ["at", "direction", "who", "organisation", "category", "topic", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}
