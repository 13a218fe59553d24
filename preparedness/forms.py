from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Exercise, Inject

MAX_ID = 2**63 - 1


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Chronogramme (JSON ou CSV)"),
        required=False,
        help_text=_("Colonnes : offset_minutes, sender, recipient, channel, content, expected_reaction."),
    )
    text = forms.CharField(
        label=_("… ou collé ici (JSON ou CSV)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=500_000,
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choisissez un fichier ou collez le chronogramme."))
        if data.get("file") and data["file"].size > 1_000_000:
            self.add_error("file", _("Fichier trop gros (1 Mo au plus)."))
        return data


class ClockForm(forms.Form):
    level = forms.ChoiceField(label=_("Niveau"), choices=Exercise.Level.choices)


class StartForm(forms.Form):
    minutes_before_now = forms.IntegerField(
        label=_("Démarrer à T0 + (minutes)"),
        min_value=0,
        max_value=525_600,
        initial=0,
        help_text=_(
            "0 : le T0 est maintenant. 240 : le premier inject d'un chronogramme qui commence à +240 est dû tout de suite."
        ),
    )


class AdvanceForm(forms.Form):
    minutes = forms.IntegerField(label=_("Avancer l'horloge de (minutes)"), min_value=1, max_value=10_080, initial=15)


class DeliverForm(forms.Form):
    inject = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)


class ObserveForm(forms.Form):
    inject = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    observation = forms.ChoiceField(label=_("Réaction"), choices=Inject.Observation.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Commentaire"), required=False, max_length=4000)
    follow_up = forms.BooleanField(label=_("Action post-exercice au RIDA"), required=False)


class CampaignForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Nature"), choices=Campaign.Kind.choices)
    targeted = forms.IntegerField(label=_("Personnes ciblées"), min_value=1, max_value=1_000_000)
    clicked = forms.IntegerField(label=_("Clics"), min_value=0, max_value=1_000_000, initial=0)
    reported = forms.IntegerField(label=_("Signalements"), min_value=0, max_value=1_000_000, initial=0)
    services_affected = forms.CharField(label=_("Services les plus touchés"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ExerciseForm(forms.Form):
    title = forms.CharField(label=_("Intitulé de l'exercice"), max_length=200)
    level = forms.ChoiceField(label=_("Niveau"), choices=Exercise.Level.choices)
