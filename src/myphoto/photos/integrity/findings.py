"""What `myphoto fsck` finds, counted in full, with a bounded number of examples kept."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from ..models import Photo

# Examples kept per kind of problem: the counts are complete, the lists stay small (a
# storage that lost everything has a million missing originals to count, not to print).
EXAMPLES = 100


class Problem(StrEnum):
    MISSING_ORIGINAL = "missing_original"
    WRONG_SIZE = "wrong_size"
    CORRUPT_ORIGINAL = "corrupt_original"
    MISSING_DERIVATIVE = "missing_derivative"
    STALE_DERIVATIVE = "stale_derivative"
    UNTRACKED_OBJECT = "untracked_object"
    STALE_UPLOAD = "stale_upload"
    WRONG_COUNT = "wrong_count"
    ALBUM_ENTRY = "album_entry"
    OFFLINE = "offline"

    @property
    def heading(self) -> str:
        return str(_TITLES[self][0])

    @property
    def advice(self) -> str:
        return str(_TITLES[self][1])


# Said in the reader's language: the report stores the English, the page says it again.
_RESTORE = gettext_lazy(
    "Restore the file from a backup to the key shown; fsck never deletes its row."
)
_TITLES = {
    Problem.MISSING_ORIGINAL: (gettext_lazy("Originals missing from storage"), _RESTORE),
    Problem.WRONG_SIZE: (gettext_lazy("Originals of the wrong size"), _RESTORE),
    Problem.CORRUPT_ORIGINAL: (gettext_lazy("Originals whose bytes changed (SHA-256)"), _RESTORE),
    Problem.MISSING_DERIVATIVE: (
        gettext_lazy("Thumbnails or playback copies missing"),
        gettext_lazy("--repair makes them again."),
    ),
    Problem.STALE_DERIVATIVE: (
        gettext_lazy("Thumbnails of an earlier run"),
        gettext_lazy("--repair deletes them once older than the grace period."),
    ),
    Problem.UNTRACKED_OBJECT: (
        gettext_lazy("Objects that no photo owns"),
        gettext_lazy(
            "--repair removes them once older than the grace period, after checking again "
            "(those among originals to lost-and-found/, kept for MYPHOTO_LOST_FOUND_DAYS)."
        ),
    ),
    Problem.STALE_UPLOAD: (
        gettext_lazy("Uploads never completed"),
        gettext_lazy("--repair removes them."),
    ),
    Problem.WRONG_COUNT: (
        gettext_lazy("Month counts that disagree with the photos"),
        gettext_lazy("--repair counts again."),
    ),
    Problem.ALBUM_ENTRY: (
        gettext_lazy("Album entries out of step with their photo"),
        gettext_lazy("--repair copies the photo's date and trash state again."),
    ),
    Problem.OFFLINE: (
        gettext_lazy("Photos offline: their files are gone from an adopted library"),
        gettext_lazy(
            "Put the file back where it was and the library's next scan brings the photo back "
            "(the same photo, its albums and edits with it); or trash it in MyPhoto to let it go. "
            "Nothing is ever written to a library's source, by --repair or otherwise."
        ),
    ),
}


@dataclass
class Finding:
    problem: Problem
    # What is wrong: a storage key, or an owner's counts.
    subject: str
    detail: str = ""
    photo_id: str = ""
    owner: str = ""
    name: str = ""
    repaired: bool = False

    @classmethod
    def of_photo(cls, problem: Problem, photo: Photo, *, subject: str, detail: str) -> Finding:
        """A finding about one photo, named as its owner knows it (its owner loaded)."""
        return cls(
            problem,
            subject=subject,
            detail=detail,
            photo_id=str(photo.pk),
            owner=photo.owner.username,
            name=photo.original_name,
        )


@dataclass
class Report:
    found: Counter[Problem] = field(default_factory=Counter)
    repaired: Counter[Problem] = field(default_factory=Counter)
    examples: dict[Problem, list[Finding]] = field(default_factory=dict)
    # What was looked at: "originals", "derivatives", "objects listed", ...
    checked: Counter[str] = field(default_factory=Counter)
    # Objects no row owns, but written within the grace period: uploads on their way.
    recent_untracked: int = 0
    # Objects that repairs moved to lost-and-found/: "kept", and "deleted" (kept long enough).
    lost_and_found: Counter[str] = field(default_factory=Counter)
    verify: dict[str, Any] | None = None
    # Why the check could not run to its end (exit status 2).
    error: str = ""

    def add(self, finding: Finding) -> None:
        self.found[finding.problem] += 1
        if finding.repaired:
            self.repaired[finding.problem] += 1
        kept = self.examples.setdefault(finding.problem, [])
        if len(kept) < EXAMPLES:
            kept.append(finding)

    @property
    def problems(self) -> int:
        return sum(self.found.values())

    @property
    def exit_code(self) -> int:
        """As the command exits: 0 clean, 1 problems found (repaired or not), 2 could not run."""
        if self.error:
            return 2
        return 1 if self.problems else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "exit_code": self.exit_code,
            "error": self.error,
            "problems": self.problems,
            "checked": dict(self.checked),
            "recent_untracked": self.recent_untracked,
            "lost_and_found": {"kept": 0, "deleted": 0, **self.lost_and_found},
            "verify": self.verify,
            "found": {
                problem.value: {
                    "title": problem.heading,
                    "advice": problem.advice,
                    "count": count,
                    "repaired": self.repaired[problem],
                    "examples": [_example(finding) for finding in self.examples[problem]],
                }
                for problem, count in sorted(self.found.items())
            },
        }


def _example(finding: Finding) -> dict[str, Any]:
    as_dict = asdict(finding)
    del as_dict["problem"]
    return {name: value for name, value in as_dict.items() if value not in ("", None)}
