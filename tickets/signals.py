"""A RIDA line's answer flows back to the tickets escalated to it.

The core knows nothing of tickets: the RIDA's service saves the line through the record kit
(update_fields names what changed), and this receiver, in the same transaction, gives the
answer to the tickets linked to the line.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from crisis.models import RidaLine

from .services import ticket_answer_from_rida


@receiver(post_save, sender=RidaLine, dispatch_uid="tickets_answer_from_rida")
def rida_answer_to_tickets(sender, instance: RidaLine, created: bool, update_fields=None, **kwargs) -> None:
    if created or not update_fields or "answer" not in update_fields:
        return
    ticket_answer_from_rida(line=instance)
