"""The people of this server."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """The languages the pages speak completely; blank: the browser's."""

    ENGLISH = "en", "English"  # each in its own language, never translated
    KOREAN = "ko", "한국어"


class Theme(models.TextChoices):
    """Light or dark pages; blank: as the system is set."""

    LIGHT = "light", _("Light")
    DARK = "dark", _("Dark")


class User(AbstractUser):
    """A person with a photo library. Custom from the first migration."""

    language = models.CharField(max_length=8, choices=Language.choices, blank=True, default="")
    theme = models.CharField(max_length=8, choices=Theme.choices, blank=True, default="")
    # The bytes they may keep in storage (`Usage.bytes`); null: no limit. Set by staff.
    quota_bytes = models.BigIntegerField(null=True, blank=True)
    # Made anew by each change to their people (`services.people`): a job worker keeps the
    # people's centres between jobs while it is the same. Never a count, which would
    # start again for an account made under the id of one deleted.
    people_version = models.UUIDField(default=uuid.uuid4)
