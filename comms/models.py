"""Communication: the crisis directory (printed in the paper kit).

Call lists, Flash info bulletins and message templates arrive with their issues.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from crisis.models import Establishment, Service


class DirectoryEntry(models.Model):
    """A person to reach during a crisis: printed, because at Corbeil the staff-recall button did nothing."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="directory_entries")
    last_name = models.CharField(_("nom"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    function = models.CharField(_("fonction"), max_length=120, blank=True)
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entries",
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    bip = models.CharField(_("bip"), max_length=12, blank=True)
    on_call = models.BooleanField(_("astreinte"), default=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("entrée d'annuaire")
        verbose_name_plural = _("annuaire de crise")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["establishment", "last_name", "first_name"], name="directory_estab_name")]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()
