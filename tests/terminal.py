"""The `myphoto` command run as a person runs it in a terminal, to be stopped with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path


def interruptible(run: list[str], *, cwd: Path | None = None) -> subprocess.Popen[str]:
    """The command started as from a terminal, to be stopped with Ctrl-C (SIGINT): a test
    run started in the background (`cmd &`) has SIGINT ignored, and Python then never
    raises KeyboardInterrupt."""
    return subprocess.Popen(
        run,
        env=os.environ,
        stdout=subprocess.PIPE,
        text=True,
        cwd=cwd,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
