"""The app's processes started as on their own machines, and services a test starts,
stops and kills: `myphoto` commands and servers, a PostgreSQL of the test's own."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import seaweedfs


def wait_for(what: str, check, timeout: float = 60.0, every: float = 0.3):  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


class Machines:
    """The app's processes, each with the environment a machine of the deployment has."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.processes: list[subprocess.Popen] = []

    def run(self, *args: str, status: int = 0) -> str:
        """Run a `myphoto` command to its end; it must exit with `status`."""
        done = subprocess.run(
            [sys.executable, "-m", "myphoto", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == status, done.stdout + done.stderr
        return done.stdout

    def start(self, *args: str, log: Path) -> subprocess.Popen:
        out = log.open("wb")
        # A session of its own: killing it kills its children too (gunicorn's workers).
        process = subprocess.Popen(
            [sys.executable, "-m", "myphoto", *args],
            env=self.env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def serve(self, log: Path) -> tuple[str, subprocess.Popen]:
        """Start `myphoto serve` on a free port; return its URL, once it is ready, and
        its process."""
        port = seaweedfs.free_port()
        process = self.start(
            "serve", "--port", str(port), "--workers", "1", "--threads", "4", log=log
        )
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                urllib.request.urlopen(url + "/readyz", timeout=2).close()  # noqa: S310  our own
            except OSError:
                return False
            return True

        wait_for(f"the app server on {port}", up)
        return url, process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL, as the kernel's OOM killer or a power cut ends it: no cleanup runs."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        self.processes.remove(process)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


class OwnPostgres:
    """A PostgreSQL cluster of the test's own (initdb, pg_ctl) on a free port, to stop and
    start without touching the suite's server."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        # Its own folder under /tmp: a test's folder is root's alone (0700), and PostgreSQL
        # refuses to run as root.
        self.folder = Path(tempfile.mkdtemp(prefix="myphoto-pg-"))
        self.data = self.folder / "data"
        self.port = seaweedfs.free_port()
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        subprocess.run(
            ["psql", self.url("postgres"), "-qc", "CREATE DATABASE myphoto"],
            check=True,
            capture_output=True,
        )

    def _pg(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self._as_owner, str(self.bin / tool), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def url(self, name: str = "myphoto") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off"
        self._pg(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.data / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: the server goes at once, as in a crash; its connections break."""
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def recreate_empty(self, name: str = "myphoto") -> None:
        """Drop the database (FORCE cuts its connections) and make it again, empty."""
        admin = self.url("postgres")
        for sql in (f"DROP DATABASE {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _postgres_bin() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not versions:
        raise RuntimeError("PostgreSQL's pg_ctl is not installed")
    return versions[-1].parent
