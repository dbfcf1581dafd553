"""Forms of the web pages."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ...common.formats import ACCEPTED_FILES
from ..models import Language, Theme


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes many files at once (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)]


class UploadForm(forms.Form):
    photos = MultipleFileField(label=_("Photos"))


class PhotoIdsField(forms.Field):
    """The ids of the ticked photos."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one photo first."),
        "invalid": _("The selection is not valid; reload the page and try again."),
    }

    def to_python(self, value: Any) -> list[uuid.UUID]:
        try:
            return list(dict.fromkeys(uuid.UUID(str(item)) for item in value or ()))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class SelectionForm(forms.Form):
    ids = PhotoIdsField()


class PasswordForm(PasswordChangeForm):
    """Django's, without its autofocus: on Settings it is one card of many, far down."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label=_("Name"),
        help_text=_("Where the token will be used, e.g. “laptop backup”."),
    )


class AppearanceForm(forms.Form):
    """A person's language and theme; empty: the browser's language, the system's theme."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The browser's language")), *Language.choices],
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=[("", _("As the system is set")), *Theme.choices],
    )


class AlbumForm(forms.Form):
    """A new album (from the ticked photos, if any), or its new title and description."""

    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(
        max_length=10_000, required=False, label=_("Description"), widget=forms.Textarea
    )
    ids = PhotoIdsField(required=False)


class AddToAlbumForm(forms.Form):
    """The ticked photos into an album chosen from a list, or into a new one."""

    ids = PhotoIdsField()
    album = forms.UUIDField(required=False)
    new_title = forms.CharField(max_length=200, required=False, label=_("Or a new album"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_bound and not data.get("album") and not data.get("new_title"):
            raise forms.ValidationError(_("Choose an album, or give the new one a title."))
        return data


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, label=_("Username"))
    role = forms.ChoiceField(
        choices=[
            ("viewer", _("Viewer: sees the photos")),
            ("contributor", _("Contributor: adds photos too")),
        ],
        initial="viewer",
        label=_("Role"),
    )


class ShareLinkForm(forms.Form):
    expires_in_days = forms.IntegerField(
        min_value=1,
        max_value=36_500,
        required=False,
        label=_("Expires after (days)"),
        help_text=_("Empty: the link works until you revoke it."),
    )
    password = forms.CharField(
        max_length=128,
        required=False,
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Empty: anyone with the link opens it."),
    )
    allow_download = forms.BooleanField(required=False, initial=True, label=_("Allow downloads"))
    allow_upload = forms.BooleanField(
        required=False, label=_("Let visitors add photos (they go into your library)")
    )
    show_location = forms.BooleanField(required=False, label=_("Show where photos were taken"))
