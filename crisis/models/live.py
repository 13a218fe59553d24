"""Live topics: one change counter per (scope, topic), for pages that poll "anything after version N?"."""

from django.db import models
from django.db.models import Q


class Topic:
    """The crisis app's live topics. Apps name theirs as plain strings, after themselves ("beds", "tickets")."""

    CRISIS = "crisis"  # the crisis record: title, severity, dates, phase, closure
    JOURNAL = "journal"
    RIDA = "rida"
    MEETINGS = "meetings"
    DECISIONS = "decisions"
    ROSTER = "roster"
    PRINTS = "prints"


class LiveTopic(models.Model):
    """How many committed changes a topic (the journal, the RIDA, the bed map...) of one scope has seen.

    A crisis-scoped counter has its crisis; an establishment-scoped one has none.
    Both carry the establishment, so one indexed read sums what a page follows.
    Rows appear on a topic's first change (crisis.live.bump) and only ever grow:
    the sum of the counters a page follows moves exactly when one of them does.
    """

    establishment = models.ForeignKey("crisis.Establishment", on_delete=models.CASCADE, related_name="+")
    crisis = models.ForeignKey("crisis.Crisis", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=60)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["crisis", "topic"], condition=Q(crisis__isnull=False), name="one_counter_per_crisis_topic"
            ),
            models.UniqueConstraint(
                fields=["establishment", "topic"],
                condition=Q(crisis__isnull=True),
                name="one_counter_per_establishment_topic",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "topic", "crisis"], name="live_topics_of_establishment")]

    def __str__(self) -> str:
        return f"{self.topic} #{self.crisis_id or self.establishment_id}: {self.version}"
