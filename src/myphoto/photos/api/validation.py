"""What a request's field got wrong, in the request's language.

Pydantic words its own messages in English ("Field required"); each error also carries a
`type` and its context (the limit, the allowed values), from which the sentence is said
again here. A type not named here keeps pydantic's message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy, ngettext

_SENTENCES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("This field is not taken here."),
    "string_type": gettext_lazy("Give a string."),
    "int_type": gettext_lazy("Give a whole number."),
    "int_parsing": gettext_lazy("Give a whole number."),
    "int_from_float": gettext_lazy("Give a whole number."),
    "float_type": gettext_lazy("Give a number."),
    "float_parsing": gettext_lazy("Give a number."),
    "finite_number": gettext_lazy("Give a finite number."),
    "bool_type": gettext_lazy("Give true or false."),
    "bool_parsing": gettext_lazy("Give true or false."),
    "uuid_type": gettext_lazy("Give an id (a UUID)."),
    "uuid_parsing": gettext_lazy("Give an id (a UUID)."),
    "list_type": gettext_lazy("Give a list."),
    "dict_type": gettext_lazy("Give an object."),
    "model_type": gettext_lazy("Give an object."),
    "model_attributes_type": gettext_lazy("Give an object."),
    "datetime_type": gettext_lazy("Give a date and time (ISO 8601)."),
    "datetime_parsing": gettext_lazy("Give a date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Give a date and time (ISO 8601)."),
    "date_type": gettext_lazy("Give a date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Give a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Give a date (YYYY-MM-DD)."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "json_type": gettext_lazy("The body is not valid JSON."),
    "string_pattern_mismatch": gettext_lazy("The value is not in the expected form."),
    "url_parsing": gettext_lazy("Give a URL."),
    "url_type": gettext_lazy("Give a URL."),
}
_BOUNDS = {
    "greater_than": gettext_lazy("Give a number greater than %(limit)s."),
    "greater_than_equal": gettext_lazy("Give a number of at least %(limit)s."),
    "less_than": gettext_lazy("Give a number less than %(limit)s."),
    "less_than_equal": gettext_lazy("Give a number of at most %(limit)s."),
}
_BOUND_CONTEXT = {
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
}

# A length's limit: the context's key, and the sentence counted by gettext's plurals.
_LENGTHS: dict[str, tuple[str, Callable[[int], str]]] = {
    "string_too_long": (
        "max_length",
        lambda n: ngettext(
            "Give at most %(count)d character.", "Give at most %(count)d characters.", n
        ),
    ),
    "too_long": (
        "max_length",
        lambda n: ngettext("Give at most %(count)d item.", "Give at most %(count)d items.", n),
    ),
    "string_too_short": (
        "min_length",
        lambda n: ngettext(
            "Give at least %(count)d character.", "Give at least %(count)d characters.", n
        ),
    ),
    "too_short": (
        "min_length",
        lambda n: ngettext("Give at least %(count)d item.", "Give at least %(count)d items.", n),
    ),
}


def pydantic_message(error: Mapping[str, Any]) -> str:
    """One error of a pydantic ValidationError's `errors()`, as a sentence."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind in _SENTENCES:
        return str(_SENTENCES[kind])
    if kind == "value_error" and "error" in context:
        return str(context["error"])  # our validators' own sentence, said already
    if kind in _BOUNDS and _BOUND_CONTEXT[kind] in context:
        return str(_BOUNDS[kind]) % {"limit": context[_BOUND_CONTEXT[kind]]}
    if kind in _LENGTHS:
        bound, counted = _LENGTHS[kind]
        if bound in context:
            limit = int(context[bound])
            return counted(limit) % {"count": limit}
    if kind in ("literal_error", "enum") and "expected" in context:
        # Pydantic lists them as "'en' or 'ko'": the list alone, the sentence in its language.
        choices = str(context["expected"]).replace(" or ", ", ")
        return str(gettext_lazy("Give one of: %(choices)s.")) % {"choices": choices}
    return str(error.get("msg", gettext_lazy("Invalid.")))
