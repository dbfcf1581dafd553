"""How the pages look to a person: their language and their light or dark theme."""

from __future__ import annotations

from ..models import Language, Theme, User


def user_appearance_set(
    *, user: User, language: str | None = None, theme: str | None = None
) -> User:
    """Set what is given ("" goes back to the browser's language, the system's theme);
    ValueError names a value that is not one of the choices."""
    changed = []
    if language is not None:
        if language and language not in Language.values:
            raise ValueError(f"language: one of {', '.join(Language.values)}, or empty.")
        user.language = language
        changed.append("language")
    if theme is not None:
        if theme and theme not in Theme.values:
            raise ValueError(f"theme: one of {', '.join(Theme.values)}, or empty.")
        user.theme = theme
        changed.append("theme")
    if changed:
        user.save(update_fields=changed)
    return user
