"""Forms of the web pages."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes many files at once (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.heic,.heif"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)]


class UploadForm(forms.Form):
    photos = MultipleFileField(label="Photos")


class PhotoIdsField(forms.Field):
    """The ids of the ticked photos."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Select at least one photo first.",
        "invalid": "The selection is not valid; reload the page and try again.",
    }

    def to_python(self, value: Any) -> list[uuid.UUID]:
        try:
            return list(dict.fromkeys(uuid.UUID(str(item)) for item in value or ()))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class SelectionForm(forms.Form):
    ids = PhotoIdsField()


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="Where the token will be used, e.g. “laptop backup”.",
    )
