"""Shared pieces of the benchmarks: SeaweedFS, a configured Django, `myphoto serve`, RSS."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import seaweedfs  # noqa: E402
from seaweedfs import free_port  # noqa: E402

MiB = 1024 * 1024


class Environment:
    """SeaweedFS with a fresh bucket, the environment variables MyPhoto reads, and a work
    folder; as a context manager, everything stopped and removed at the end."""

    def __init__(self) -> None:
        self.seaweed = seaweedfs.start()
        self.s3 = self.seaweed.client()
        self.bucket = f"bench-{uuid.uuid4().hex[:12]}"
        self.s3.create_bucket(Bucket=self.bucket)
        self.data_dir = tempfile.mkdtemp(prefix="myphoto-bench-")
        self.work = Path(tempfile.mkdtemp(prefix="myphoto-bench-work-"))
        self.env = {
            **os.environ,
            "MYPHOTO_DATA_DIR": self.data_dir,
            "MYPHOTO_S3_BUCKET": self.bucket,
            "MYPHOTO_S3_ENDPOINT_URL": self.seaweed.endpoint_url,
            "MYPHOTO_S3_REGION": seaweedfs.REGION,
            "MYPHOTO_S3_ACCESS_KEY_ID": seaweedfs.ACCESS_KEY,
            "MYPHOTO_S3_SECRET_ACCESS_KEY": seaweedfs.SECRET_KEY,
            "MYPHOTO_LOG_LEVEL": "WARNING",
        }
        self.env.pop("DATABASE_URL", None)
        os.environ.update(self.env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myphoto.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        self.servers: list[subprocess.Popen] = []

    def serve(self, **extra_env: str) -> tuple[str, subprocess.Popen]:
        """Start `myphoto serve` (gunicorn, 2 gthread workers) and return its URL."""
        url, process = serve({**self.env, **extra_env})
        self.servers.append(process)
        return url, process

    def close(self) -> None:
        for process in self.servers:
            process.terminate()
            process.wait(timeout=30)
        self.seaweed.stop()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Environment:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve(
    env: dict[str, str], *, wait: float = 60, niceness: int = 0
) -> tuple[str, subprocess.Popen]:
    """Start `myphoto serve` with its defaults (2 gunicorn workers, 8 threads) on a free
    port; return its URL once it answers. A `niceness` above 0 lowers its CPU priority
    (its workers inherit it)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "myphoto", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=(lambda: os.nice(niceness)) if niceness else None,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    while True:
        try:
            urllib.request.urlopen(url + "/healthz").close()
            return url, process
        except OSError:
            if time.monotonic() > deadline:
                process.terminate()
                raise RuntimeError("myphoto serve did not start") from None
            time.sleep(0.2)


def user_and_token(username: str = "bench"):
    from myphoto.photos.models import User
    from myphoto.photos.services.tokens import token_create

    user, _ = User.objects.get_or_create(username=username)
    return user, token_create(user=user, name="bench")[1]


def peak_rss_kib() -> int:
    """This process's high-water mark of RSS (VmHWM). Not getrusage(): its ru_maxrss carries
    over the parent's peak across fork and exec."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


class RssSampler:
    """Sample the RSS of processes every 5 ms: each one's peak and growth, and the peak of
    their sum."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.base = {pid: rss_bytes(pid) for pid in self.pids}
        self.peak = dict(self.base)
        self.peak_sum = sum(self.base.values())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @classmethod
    def of_workers(cls, master_pid: int) -> RssSampler:
        """A server's worker processes (the master itself if it has none)."""
        return cls(children(master_pid) or [master_pid])

    def _run(self) -> None:
        while not self._stop.is_set():
            now = {pid: rss_bytes(pid) for pid in self.pids}
            for pid, rss in now.items():
                self.peak[pid] = max(self.peak[pid], rss)
            self.peak_sum = max(self.peak_sum, sum(now.values()))
            time.sleep(0.005)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        """The most any one process grew."""
        return max(self.peak[pid] - self.base[pid] for pid in self.pids)


def process_tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found = [pid]
    try:
        for child in children(pid):
            found += process_tree(child)
    except FileNotFoundError:
        pass
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time these processes (all their threads) have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                # Fields after the command name: utime and stime are the 12th and 13th.
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


class CpuMeter:
    """CPU seconds used meanwhile by the client (this process and its children), the app
    server and SeaweedFS: where the time of a CPU-bound transfer goes."""

    def __init__(self, app_pid: int, storage_pid: int) -> None:
        self.app, self.storage = process_tree(app_pid), process_tree(storage_pid)

    def __enter__(self) -> CpuMeter:
        self._start = self._read()
        return self

    def __exit__(self, *exc) -> None:
        self.client, self.app_server, self.storage_server = (
            end - start for end, start in zip(self._read(), self._start, strict=True)
        )

    def _read(self) -> tuple[float, float, float]:
        own = os.times()
        return (
            own.user + own.system + own.children_user + own.children_system,
            cpu_seconds(self.app),
            cpu_seconds(self.storage),
        )


def median(values: list[float]) -> float:
    return statistics.median(values)


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
