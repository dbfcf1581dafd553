"""A family's server: what keeping each person's usage costs an upload, and what a backup
of a million photos costs the people using the server meanwhile. Prints figures, asserts
nothing.

    .venv/bin/python bench/server.py                        # both parts
    .venv/bin/python bench/server.py --part accounting --rounds 5
    .venv/bin/python bench/server.py --part backup --photos 100000

1. Accounting (PostgreSQL, in this process, no thumbnail jobs run): threads, each its
   own connection, upload distinct small JPEGs through the upload service, then each
   moves one of its photos to the trash and deletes another for good: one uploader, 8
   people at once, and one person's 8 uploads at once (whose usage row they share). Three
   ways, in turn, each round: the usage kept by the triggers (as shipped), the same with a
   quota set (the check before storing and the one in the transaction), and with the
   usage triggers disabled (the anchor). Printed: each way's median and p95 ms per upload
   and what the accounting adds; and whether each person's usage equals a sum over their
   rows after the run (photos, videos, bytes).
2. Backup: a fresh PostgreSQL library seeded as bench/timeline.py seeds it, `myphoto
   serve` with its defaults, one client asking the API's first timeline page for
   `--duration` seconds idle, then again while `myphoto backup` runs in a process of its
   own. Printed: the backup's seconds and size, the page's p50/p95 idle and during, and
   their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import print_table, serve  # noqa: E402
from _library import django_in, library_environment, seed, write_thumbnails  # noqa: E402

THREADS = 8
UPLOADS_PER_THREAD = 25
USAGE_TRIGGERS = ("photos_usage_insert", "photos_usage_update", "photos_usage_delete")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# 1. Accounting


# How many upload at once, and whether they are one person or each their own.
SHAPES = {
    "one uploader": (1, False),
    "8 people at once": (THREADS, False),
    "one person, 8 at once": (THREADS, True),
}
WAYS = ["as shipped", "with a quota", "no accounting"]


def upload_round(way: str, shape: str, round_number: int) -> list[float]:
    """Upload and delete as one round of `way` in `shape`; return ms per upload."""
    import images
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, connections
    from django.utils import timezone

    from myphoto.photos.models import Photo, User
    from myphoto.photos.services.upload import photo_upload

    threads, one_person = SHAPES[shape]
    owners = []
    for n in range(threads):
        owner, _ = User.objects.get_or_create(
            username=f"bench-{way}" if one_person else f"bench-{way}-{n}"
        )
        owner.quota_bytes = 10 * 1024**3 if way == "with a quota" else None
        owner.save(update_fields=["quota_bytes"])
        owners.append(owner)
    with connection.cursor() as cursor:
        verb = "DISABLE" if way == "no accounting" else "ENABLE"
        for trigger in USAGE_TRIGGERS:
            cursor.execute(f"ALTER TABLE photos_photo {verb} TRIGGER {trigger}")
    each = UPLOADS_PER_THREAD * THREADS // threads
    first = next(_seeds) * 100_000
    files = [[images.jpeg(seed=first + each * n + i) for i in range(each)] for n in range(threads)]
    times: list[float] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def uploader(n: int) -> None:
        try:
            start.wait()
            made = []
            for i, data in enumerate(files[n]):
                file = SimpleUploadedFile(f"{n}-{i}.jpg", data)
                began = time.perf_counter()
                made.append(photo_upload(owner=owners[n], file=file).photo)
                times.append((time.perf_counter() - began) * 1000)
            Photo.objects.filter(pk=made[0].pk).update(deleted_at=timezone.now())
            Photo.objects.filter(pk=made[1].pk).delete()
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=uploader, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return times


_seeds = iter(range(1, 1_000_000))


def exact(username: str) -> tuple[bool, tuple[int, int, int], tuple[int, int, int]]:
    """Whether the kept usage equals a sum over the rows: (equal, kept, summed)."""
    from django.db import connection

    from myphoto.photos.models import User
    from myphoto.photos.selectors import usage_of

    user = User.objects.get(username=username)
    usage = usage_of(user=user)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT
                count(*) FILTER (WHERE item AND kind = 'photo'),
                count(*) FILTER (WHERE item AND kind = 'video'),
                coalesce(sum(size + images_size + CASE WHEN playback_key <> storage_key
                    THEN coalesce(playback_size, 0) ELSE 0 END), 0)
            FROM (SELECT *, deleted_at IS NULL AND live_of_id IS NULL AS item FROM photos_photo
                WHERE owner_id = %s AND library_id IS NULL) AS mine""",
            [user.pk],
        )
        summed = tuple(int(value) for value in cursor.fetchone())
    kept = (usage.photos, usage.videos, usage.bytes)
    return kept == summed, kept, summed  # type: ignore[return-value]


def accounting(rounds: int) -> None:
    env = library_environment("postgres", 0, "server")
    django_in(env)
    from django.conf import settings

    # The thumbnails' jobs are not what is measured: none is queued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    times = {(shape, way): [] for shape in SHAPES for way in WAYS}
    upload_round("as shipped", "8 people at once", -1)  # warm up: connections, imports
    for number in range(rounds):
        for shape in SHAPES:
            for way in WAYS[number % 3 :] + WAYS[: number % 3]:
                times[shape, way].extend(upload_round(way, shape, number))
    rows = []
    for shape in SHAPES:
        anchor = statistics.median(times[shape, "no accounting"])
        for way in WAYS:
            values = times[shape, way]
            median = statistics.median(values)
            rows.append(
                [
                    shape,
                    way,
                    str(len(values)),
                    f"{median:.2f}",
                    f"{percentile(values, 0.95):.2f}",
                    f"{median - anchor:+.2f}",
                ]
            )
    print_table(
        "Upload through the service (PostgreSQL), ms per upload",
        ["who", "usage", "uploads", "p50 ms", "p95 ms", "p50 - anchor"],
        rows,
    )
    from myphoto.photos.models import User

    checked = []
    for way in ("as shipped", "with a quota"):
        people = User.objects.filter(username__startswith=f"bench-{way}").order_by("username")
        found = [exact(person.username) for person in people]
        wrong = [f"{kept} != {summed}" for equal, kept, summed in found if not equal]
        photos = sum(kept[0] for _equal, kept, _summed in found)
        checked.append([way, str(len(found)), str(photos), str(len(found) - len(wrong))])
        checked[-1].append("; ".join(wrong) or "-")
    print_table(
        "Usage kept vs a sum over each person's rows after the run",
        ["usage", "people", "photos kept", "exact", "differences"],
        checked,
    )


# 2. Backup


def timed_pages(
    url: str, token: str, seconds: float, until: threading.Event | None = None
) -> list[float]:
    """One client's GETs of the first timeline page for `seconds` (or until `until` is set)."""
    request = urllib.request.Request(
        f"{url}/api/v1/photos?limit=100", headers={"Authorization": f"Bearer {token}"}
    )
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until is not None and until.is_set()):
        began = time.perf_counter()
        with urllib.request.urlopen(request) as answer:
            answer.read()
        latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def backup(photos: int, duration: float) -> None:
    env = library_environment("postgres", photos, "backup")
    django_in(env)
    began = time.perf_counter()
    token, _username = seed(photos)
    print(f"\nSeeded {photos:,} photos in {time.perf_counter() - began:.0f} s")
    write_thumbnails(Path(env["MYPHOTO_DATA_DIR"]) / "media")
    url, server = serve(env)
    try:
        timed_pages(url, token, 3)  # warm up
        idle = timed_pages(url, token, duration)
        finished = threading.Event()
        outcome: dict[str, object] = {}

        def run_backup() -> None:
            began = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "myphoto", "backup"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            outcome["seconds"] = time.perf_counter() - began
            outcome["output"] = done.stdout.strip() or done.stderr.strip()
            finished.set()

        runner = threading.Thread(target=run_backup)
        runner.start()
        during = timed_pages(url, token, 24 * 3600, until=finished)
        runner.join()
    finally:
        server.terminate()
        server.wait()
    listed = subprocess.run(
        [sys.executable, "-m", "myphoto", "backup", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\t")
    print(f"Backup: {outcome['output']}")
    print(f"  {outcome['seconds']:.1f} s, {listed[1] if len(listed) > 1 else '?'}")
    idle_p95, during_p95 = percentile(idle, 0.95), percentile(during, 0.95)
    print_table(
        f"GET /api/v1/photos?limit=100 at {photos:,} photos, one client",
        ["while", "requests", "p50 ms", "p95 ms"],
        [
            ["idle", str(len(idle)), f"{statistics.median(idle):.1f}", f"{idle_p95:.1f}"],
            [
                "myphoto backup runs",
                str(len(during)),
                f"{statistics.median(during):.1f}",
                f"{during_p95:.1f}",
            ],
        ],
    )
    print(f"p95 during / idle: {during_p95 / idle_p95:.2f} (target <= 2)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["accounting", "backup"], action="append")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--photos", type=int, default=1_000_000)
    parser.add_argument("--duration", type=float, default=20.0)
    args = parser.parse_args()
    parts = args.part or ["accounting", "backup"]
    if len(parts) > 1:
        # Django is set up once a process: each part in a process of its own.
        for part in parts:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--part",
                    part,
                    "--rounds",
                    str(args.rounds),
                    "--photos",
                    str(args.photos),
                    "--duration",
                    str(args.duration),
                ],
                check=True,
            )
        return
    if parts[0] == "accounting":
        accounting(args.rounds)
    else:
        backup(args.photos, args.duration)


if __name__ == "__main__":
    main()
