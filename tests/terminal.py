"""The `myphoto` command run as a person runs it in a terminal, to be stopped with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
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


def stopped_with_ctrl_c(
    run: list[str],
    until: Callable[[], bool],
    *,
    within: float = 30,
    poll: float = 0.05,
    cwd: Path | None = None,
) -> str:
    """Start the command, press Ctrl-C once `until()` holds, and return what it printed;
    it must have stopped as Ctrl-C says (exit 130, and how to go on)."""
    client = interruptible(run, cwd=cwd)
    deadline = time.monotonic() + within
    while not until():
        assert time.monotonic() < deadline and client.poll() is None
        time.sleep(poll)

    client.send_signal(signal.SIGINT)
    output, _ = client.communicate(timeout=30)

    assert client.returncode == 130, output
    assert "Stopped. Run the same command again to go on where it stopped." in output
    return output
