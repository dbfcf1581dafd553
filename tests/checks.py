"""`myphoto fsck` run from a test, and what its report found."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.management import call_command

from myphoto.photos import keys


def fsck(*args: str) -> tuple[int, dict]:
    """Run `myphoto fsck --json ...`; return its exit status and report."""
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("fsck", "--json", *args, stdout=out)
    return exited.value.code, json.loads(out.getvalue())


def found(report: dict, problem: str) -> list[dict]:
    return report["found"].get(problem, {}).get("examples", [])


def orphan_key(user) -> str:
    return keys.original_key(owner_id=user.pk, photo_id=uuid.uuid4(), extension="jpg")
