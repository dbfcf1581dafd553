"""Videos: posters, the playback copy, the job's memory and the upload-time probe.

Anchor: the ffmpeg command line as peers run it (the binary that the
`imageio-ffmpeg` package ships, FFmpeg's own build), on the same files, in the
same run. Samples are made by that ffmpeg first:

- a 30 s 1080p H.264/AAC MP4 (30 fps) and a 10 s 4K HEVC/AAC MOV (30 fps, hvc1);
- a ~2 GB video (raw 1080p frames in Matroska, which browsers cannot play) for the
  job's peak memory: poster and playback copy, on local disk storage.

Each MyPhoto measurement runs in a process of its own, so that its peak RSS
(VmHWM) is its own.

    .venv/bin/python bench/videos.py [--rounds 5] [--big-gb 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _harness import peak_rss_kib, print_table  # noqa: E402


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)
    return time.perf_counter() - started


def make_samples(folder: Path, big_gb: float) -> dict[str, Path]:
    """The clips, made once by ffmpeg (testsrc2: motion and detail, a tone)."""
    samples = {
        "h264": folder / "30s-1080p-h264.mp4",
        "hevc": folder / "10s-4k-hevc.mov",
        "big": folder / "big-raw-1080p.mkv",
    }
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    run_ffmpeg(
        *["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", *tone, "-t", "30"],
        *["-c:v", "libx264", "-preset", "fast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
        str(samples["h264"]),
    )
    run_ffmpeg(
        *["-f", "lavfi", "-i", "testsrc2=size=3840x2160:rate=30", *tone, "-t", "10"],
        *["-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1", "-pix_fmt", "yuv420p"],
        *["-x265-params", "log-level=error", "-c:a", "aac"],
        str(samples["hevc"]),
    )
    frame_bytes = 1920 * 1080 * 3 // 2
    seconds = max(1.0, big_gb * 1e9 / frame_bytes / 30)
    run_ffmpeg(
        *["-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", *tone, "-t", f"{seconds:.2f}"],
        *["-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le"],
        str(samples["big"]),
    )
    return samples


def worker(task: str, path: str, rounds: int) -> None:
    """Child process: time one MyPhoto step `rounds` times; print JSON."""
    data_dir = tempfile.mkdtemp(prefix="myphoto-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myphoto.settings")
    os.environ.setdefault("MYPHOTO_DATA_DIR", data_dir)
    import django

    django.setup()
    from myphoto.photos import media

    baseline = peak_rss_kib()
    times = []
    if task == "job":
        times.append(run_job(Path(path)))
    for _ in range(rounds if task != "job" else 0):
        with open(path, "rb") as source:
            started = time.perf_counter()
            if task == "poster":
                media.make_derivatives(source, video=True)
            elif task == "probe":
                media.analyze(source)
            elif task == "playback":
                media.make_playback_copy(source, str(Path(data_dir) / "copy.mp4"))
            times.append(time.perf_counter() - started)
    copy = Path(data_dir) / "copy.mp4"
    made = copy.stat().st_size if copy.exists() else 0
    print(json.dumps({"times": times, "peak_kib": peak_rss_kib() - baseline, "bytes": made}))


def run_job(path: Path) -> float:
    """The derivatives job on a stored video: upload (not timed), then posters + copy."""
    from django.core.files import File
    from django.core.management import call_command

    from myphoto.photos.models import Photo, User
    from myphoto.photos.services.derivatives import photo_make_derivatives
    from myphoto.photos.services.upload import photo_upload

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("bench")
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with path.open("rb") as source:
        photo = photo_upload(owner=owner, file=File(source, name=path.name)).photo
    started = time.perf_counter()
    assert photo_make_derivatives(photo_id=photo.pk)
    elapsed = time.perf_counter() - started
    photo = Photo.objects.get(pk=photo.pk)
    assert photo.playback_key and photo.derivatives_ready, photo.derivatives_error
    return elapsed


def in_worker(task: str, path: Path, rounds: int) -> dict:
    # Big enough for the big sample: the job's file goes through the upload first.
    env = {**os.environ, "MYPHOTO_MAX_UPLOAD_MB": str(100_000)}
    done = subprocess.run(
        [sys.executable, __file__, "--rounds", str(rounds), "--worker", task, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def frames(path: Path) -> int:
    import av

    with av.open(str(path)) as container:
        return sum(1 for _ in container.demux(container.streams.video[0]) if _.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--big-gb", type=float, default=2.0)
    parser.add_argument("--copy-rounds", type=int, default=3)
    parser.add_argument("--worker", nargs=2, metavar=("TASK", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.rounds)
        return

    folder = Path(tempfile.mkdtemp(prefix="myphoto-bench-videos-"))
    samples = make_samples(folder, args.big_gb)
    for name, path in samples.items():
        print(f"sample {name}: {path.name}, {path.stat().st_size / 1e6:,.1f} MB", file=sys.stderr)

    rows = []
    for name in ("h264", "hevc"):
        clip = samples[name]
        ours = in_worker("poster", clip, args.rounds)
        theirs = []
        for _ in range(args.rounds):
            theirs.append(
                run_ffmpeg(
                    *["-ss", "1", "-i", str(clip), "-frames:v", "1"],
                    *["-filter_complex", "split[a][b];[a]scale=1600:-2[md];[b]scale=400:-2[sm]"],
                    *["-map", "[md]", "-frames:v", "1", str(folder / "md.webp")],
                    *["-map", "[sm]", "-frames:v", "1", str(folder / "sm.webp")],
                )
            )
        mine, anchor = statistics.median(ours["times"]), statistics.median(theirs)
        rows.append(
            [
                f"poster (md+sm WebP) of {clip.name}",
                f"{mine * 1000:.0f} ms",
                f"{anchor * 1000:.0f} ms",
                f"{mine / anchor:.2f}×",
                f"{ours['peak_kib'] / 1024:.0f} MiB",
            ]
        )
    print_table(
        "Posters: MyPhoto (PyAV, Pillow WebP) vs ffmpeg -ss 1 -frames:v 1 + scale, median",
        ["what", "MyPhoto", "ffmpeg", "ratio (target ≤ 1.2×)", "MyPhoto peak RSS growth"],
        rows,
    )

    hevc = samples["hevc"]
    count = frames(hevc)
    copies = args.copy_rounds
    ours = in_worker("playback", hevc, copies)
    anchors = [
        run_ffmpeg(
            *["-i", str(hevc), "-vf", "scale=1920:1080", "-c:v", "libx264", "-preset"],
            *["veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k"],
            *["-movflags", "+faststart", str(folder / "anchor.mp4")],
        )
        for _ in range(copies)
    ]
    # Taken in turns would be fairer still; medians of a few rounds each are what we print.
    mine, anchor = statistics.median(ours["times"]), statistics.median(anchors)
    print_table(
        f"Playback copy of {hevc.name} ({count} frames) to 1080p H.264 veryfast crf 23, "
        f"median of {copies}",
        ["", "seconds", "frames/s", "output MB", "peak RSS growth"],
        [
            [
                "MyPhoto (PyAV)",
                f"{mine:.1f}",
                f"{count / mine:.1f}",
                f"{ours['bytes'] / 1e6:.1f}",
                f"{ours['peak_kib'] / 1024:.0f} MiB",
            ],
            [
                "ffmpeg -preset veryfast",
                f"{anchor:.1f}",
                f"{count / anchor:.1f}",
                f"{(folder / 'anchor.mp4').stat().st_size / 1e6:.1f}",
                "",
            ],
            ["ratio (target ≥ 0.9×)", "", f"{anchor / mine:.2f}×", "", ""],
        ],
    )

    probes = []
    for name in ("h264", "hevc", "big"):
        result = in_worker("probe", samples[name], args.rounds)
        size = samples[name].stat().st_size
        probes.append(
            [
                samples[name].name,
                f"{size / 1e6:,.0f} MB",
                f"{statistics.median(result['times']) * 1000:.1f} ms",
            ]
        )
    print_table(
        "Upload-time probe (open, decode the poster frame, read the last second), median",
        ["file", "size", "probe"],
        probes,
    )

    big = samples["big"]
    job = in_worker("job", big, 1)
    print_table(
        "The derivatives job on a big video (local disk storage): posters + playback copy",
        ["file", "size", "job time", "peak RSS growth (target ≤ 300 MiB)"],
        [
            [
                big.name,
                f"{big.stat().st_size / 1e9:.2f} GB",
                f"{job['times'][0]:.1f} s",
                f"{job['peak_kib'] / 1024:.0f} MiB",
            ]
        ],
    )


if __name__ == "__main__":
    main()
