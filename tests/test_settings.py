"""Settings come from the environment, and the README tells a newcomer every one of them."""

from __future__ import annotations

import re
from pathlib import Path

import myphoto.settings

ROOT = Path(__file__).resolve().parent.parent
# os.environ.get("X", ...), env_int("X", ...), env_bool("X"), env_list("X", ...)
_READS = re.compile(r'(?:environ\.get|env_int|env_bool|env_list)\(\s*"([A-Z0-9_]+)"')


def test_the_readme_lists_every_variable_the_server_reads():
    read = set(_READS.findall(Path(myphoto.settings.__file__).read_text()))
    readme = (ROOT / "README.md").read_text()

    assert "MYPHOTO_S3_BUCKET" in read and "MYPHOTO_ZIP_MAX_PHOTOS" in read  # the pattern works
    assert sorted(name for name in read if f"`{name}`" not in readme) == []


def test_only_the_settings_module_reads_the_server_environment():
    server = [
        path
        for folder in ("photos", "common")
        for path in (ROOT / "src" / "myphoto" / folder).rglob("*.py")
    ]
    reading = [str(path) for path in server if re.search(r"os\.environ|getenv", path.read_text())]

    assert reading == []
