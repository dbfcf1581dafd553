"""How a long check tells its caller how far it is (the command draws a bar with it)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def phase(self, description: str, total: int | None) -> None:
        """A new stage of the work begins, of `total` steps if that is known."""

    def advance(self, amount: int = 1) -> None: ...


class Silent:
    """For the daily check: nobody watches it."""

    def phase(self, description: str, total: int | None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass
