"""Forms of the beds: a movement typed from a slip (on a bed's page, or on the slips page with the bed typed)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crisis.models import Establishment
from web.forms import EventDateField, EventTimeField, EventTimeForm, SegmentedRadio, Unsuffixed

from .models import Bed, Movement, Sex
from .services import PatientRef

KIND_KEYS = {"admission": "a", "transfert": "t", "sortie": "s", "blocage": "b", "deblocage": "r", "nettoyage": "n"}


class BedLabelField(forms.CharField):
    """A bed typed by its label (CAR-214A), case and spaces ignored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "size": 10, "autocapitalize": "characters"})
        )
        super().__init__(*args, **kwargs)


class MovementForm(Unsuffixed, EventTimeForm):
    """A fiche navette. On a bed's page the bed is known (``bed`` given); on the slips page it is typed."""

    kind = forms.ChoiceField(label=_("Mouvement"), choices=Movement.Kind.choices, widget=SegmentedRadio(keys=KIND_KEYS))
    bed_label = BedLabelField(label=_("Lit"))
    to_bed_label = BedLabelField(label=_("Vers le lit"), required=False, help_text=_("Transfert seulement."))
    date = EventDateField(label=_("Date"), required=False)
    time = EventTimeField(label=_("Heure"), required=False, help_text=_("Vide : maintenant."))
    ref = forms.CharField(label=_("IPP ou n° provisoire"), max_length=20, required=False)
    initials = forms.CharField(label=_("Initiales"), max_length=6, required=False)
    birth_year = forms.IntegerField(label=_("Année de naissance"), min_value=1900, max_value=2100, required=False)
    sex = forms.ChoiceField(label=_("Sexe"), choices=[("", "—"), *Sex.choices], required=False)
    expected_discharge = EventDateField(label=_("Sortie prévue"), required=False)
    slip_number = forms.CharField(label=_("N° de fiche"), max_length=30, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=Movement.Source.choices[:3], initial=Movement.Source.PAPER)
    note = forms.CharField(label=_("Observation"), max_length=200, required=False)

    # The service's errors, by the names it gives them, next to the field that holds them here.
    service_fields = {"occurred_at": "time", "bed": "bed_label", "to_bed": "to_bed_label", "patient": "ref"}

    def __init__(self, *args, establishment: Establishment, bed: Bed | None = None, prefix_id: str = "mvt", **kwargs):
        kwargs.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        self.establishment, self.bed = establishment, bed
        if bed is not None:
            del self.fields["bed_label"]
        else:  # the slips page: the bed is typed first, the kind picked with Alt + its letter
            self.fields["bed_label"].widget.attrs["autofocus"] = True
        self.fields["sex"].widget.attrs["class"] = "narrow"

    def _bed(self, name: str):
        label = " ".join((self.cleaned_data.get(name) or "").split()).upper()
        if not label:
            return None
        bed = Bed.objects.filter(establishment=self.establishment, label__iexact=label).first()
        if bed is None:
            self.add_error(name, _("Aucun lit de l'établissement ne porte ce nom."))
        return bed

    def clean(self):
        cleaned = super().clean()
        cleaned["bed"] = self.bed if self.bed is not None else self._bed("bed_label")
        cleaned["to_bed"] = self._bed("to_bed_label")
        if cleaned.get("occurred_at") is None and not self.errors:
            cleaned["occurred_at"] = timezone.now()
        patient_fields = [cleaned.get(f) for f in ("ref", "initials", "birth_year", "sex")]
        if any(patient_fields):
            if not all(patient_fields):
                self.add_error("ref", _("IPP, initiales, année de naissance et sexe vont ensemble."))
            else:
                cleaned["patient"] = PatientRef(*patient_fields)
        return cleaned

    def movement_kwargs(self) -> dict:
        c = self.cleaned_data
        return {
            "kind": c["kind"],
            "bed": c["bed"],
            "to_bed": c.get("to_bed"),
            "occurred_at": c["occurred_at"],
            "patient": c.get("patient"),
            "source": c["source"],
            "slip_number": c.get("slip_number") or "",
            "expected_discharge": c.get("expected_discharge"),
            "note": c.get("note") or "",
        }


class ReceiveForm(Unsuffixed, forms.Form):
    numbers = forms.CharField(
        label=_("N° des fiches reçues"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Séparés par des espaces, virgules ou retours à la ligne."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "recu_%s")
        super().__init__(*args, **kwargs)

    def clean_numbers(self) -> list[str]:
        numbers = [n.strip() for n in self.cleaned_data["numbers"].replace(",", " ").split() if n.strip()]
        if not numbers:
            raise forms.ValidationError(_("Indiquez au moins un numéro."))
        if any(len(n) > 30 for n in numbers):
            raise forms.ValidationError(_("Un numéro a 30 caractères au plus."))
        if len(numbers) > 200:
            raise forms.ValidationError(_("200 fiches au plus à la fois."))
        return numbers


class CensusForm(Unsuffixed, forms.Form):
    date = EventDateField(label=_("Date"), required=False)
    time = EventTimeField(label=_("Heure"), required=False, help_text=_("Vide : maintenant."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "rec_%s")
        super().__init__(*args, **kwargs)

    def at(self):
        from datetime import datetime

        day, moment = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if day is None and moment is None:
            return timezone.now()
        day = day or timezone.localdate()
        if moment is None:
            moment = timezone.localtime().time() if day == timezone.localdate() else datetime.max.time()
        return timezone.make_aware(datetime.combine(day, moment))


class ImportForm(Unsuffixed, forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Colonnes : lit;ipp;initiales;annee_naissance;sexe;entree;sortie_prevue (une admission par ligne)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Essai à blanc : vérifier sans rien enregistrer"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "imp_%s")
        super().__init__(*args, **kwargs)
