"""Walk folders the way both `myphoto upload` and `myphoto import` do."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def walk(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under `paths` (files or folders), depth first in name order, hidden ones skipped."""
    for path in paths:
        if path.is_dir():
            for folder, subfolders, files in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(folder) / name
        elif path.exists():
            yield path
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
