"""The reports of `myphoto fsck`."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IntegrityReport(models.Model):
    """One run of `myphoto fsck` (by hand or the daily one), and what it found.

    The verify pass goes through the originals in id order over several runs when it
    has a time budget: `verify_resume_after` is where the next run goes on from ("" once
    a pass has reached the end).
    """

    class Trigger(models.TextChoices):
        COMMAND = "command", "myphoto fsck"
        SCHEDULE = "schedule", _("the daily check")

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.COMMAND)
    # The day a daily check belongs to: unique, so that of several workers one runs it.
    scheduled_for = models.DateField(null=True, blank=True)
    verify = models.BooleanField(default=False)
    repair = models.BooleanField(default=False)
    # 0 clean, 1 problems found, 2 could not run (as the command exits); None while running.
    exit_code = models.SmallIntegerField(null=True, blank=True)
    problems = models.IntegerField(default=0)
    report = models.JSONField(default=dict)
    verify_resume_after = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheduled_for"],
                condition=Q(trigger="schedule"),
                name="integrity_one_daily_check",
            ),
        ]
        indexes = [models.Index(fields=["-started_at"], name="integrity_latest")]

    def __str__(self) -> str:
        return f"fsck of {self.started_at:%Y-%m-%d %H:%M}: {self.problems} problems"

    @property
    def running(self) -> bool:
        return self.finished_at is None
