"""The server-side `myphoto` commands, run as a person would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import images
import passes
import pytest
import seaweedfs
from django.core.management import CommandError, call_command

from myphoto.photos.models import User

pytestmark = pytest.mark.django_db


def test_createuser_with_password(capsys):
    call_command("createuser", "bob", "--password", "a long enough passphrase")

    assert "Created user bob." in capsys.readouterr().out
    assert User.objects.get(username="bob").check_password("a long enough passphrase")
    assert not User.objects.get(username="bob").is_staff


def test_createuser_staff_sees_library_health():
    call_command("createuser", "carol", "--password", "a long enough passphrase", "--staff")

    assert User.objects.get(username="carol").is_staff


def test_createuser_refuses_weak_password_and_duplicates(user):
    with pytest.raises(CommandError, match="too short"):
        call_command("createuser", "carol", "--password", "abc")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createuser", "ALICE", "--password", "a long enough passphrase")


def test_createuser_for_single_sign_on_only(user):
    call_command("createuser", "grandma", "--email", "grandma@example.com", "--sso-only")

    grandma = User.objects.get(username="grandma")
    assert grandma.email == "grandma@example.com" and not grandma.has_usable_password()
    with pytest.raises(CommandError, match="needs --email"):
        call_command("createuser", "grandpa", "--sso-only")
    with pytest.raises(CommandError, match="Another account has the email"):
        call_command("createuser", "gran", "--email", "GRANDMA@example.com", "--sso-only")


def test_token_for_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("token", "create", "nobody")


@passes.once
def test_serve_migrates_makes_first_user_and_serves(tmp_path):
    """`myphoto serve` on an empty data folder: what `make run` does for a newcomer."""
    port = seaweedfs.free_port()
    env = {**os.environ, "MYPHOTO_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "myphoto", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first_line = server.stdout.readline()
        match = re.search(r"Log in as '(\w+)' with password '([^']+)'", first_line)
        assert match, first_line
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as response:
            assert b"Log in" in response.read()

        # The worker that serve starts beside gunicorn makes the thumbnails.
        token = subprocess.run(
            [sys.executable, "-m", "myphoto", "token", "create", match[1]],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        api = httpx.Client(
            base_url=f"http://127.0.0.1:{port}/api/v1",
            headers={"Authorization": f"Bearer {token}"},
        )
        uploaded = api.post("/photos", files={"file": ("first.jpg", images.jpeg(seed=1))})
        assert uploaded.status_code == 201, uploaded.text
        # Past the request line's or a header's limit: JSON from the app, not gunicorn's page.
        too_long = api.get("/photos", params={"q": "x" * 5000})
        assert (too_long.status_code, too_long.json()["code"]) == (414, "uri_too_long")
        too_big = api.get("/photos", headers={"X-Padding": "x" * 9000})
        assert (too_big.status_code, too_big.json()["code"]) == (431, "header_too_large")
        photo_url = f"/photos/{uploaded.json()['items'][0]['id']}"
        deadline = time.monotonic() + 30
        while not api.get(photo_url).json()["derivatives_ready"]:
            assert time.monotonic() < deadline, "the worker made no thumbnails"
            time.sleep(0.2)
        assert api.get(f"{photo_url}/thumbnail?size=sm").headers["Content-Type"] == "image/webp"
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (tmp_path / "data" / "myphoto.sqlite3").exists()


def _myphoto(args: list[str], cwd, **env_changes) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_changes}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "myphoto", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@passes.once
def test_server_commands_find_one_data_folder_wherever_they_run(tmp_path):
    from myphoto import settings

    # The default is absolute: the checkout's own data/, not the folder a command runs in.
    default = settings._default_data_dir()
    assert default.is_absolute() and default == Path(settings.__file__).parents[2] / "data"

    # A folder it cannot use: one sentence naming the variable, no traceback, nothing made.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    refused = _myphoto(["fsck"], elsewhere, MYPHOTO_DATA_DIR="/proc/myphoto-data")
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert "cannot use /proc/myphoto-data as its data folder" in refused.stderr
    assert "Set MYPHOTO_DATA_DIR" in refused.stderr

    # A data folder never served (no tables yet): what to run, not 67 lines.
    fresh = _myphoto(["recount"], elsewhere, MYPHOTO_DATA_DIR=str(tmp_path / "new"))
    assert fresh.returncode == 1
    assert "Traceback" not in fresh.stderr
    assert "is not ready" in fresh.stderr and "Run `myphoto migrate`" in fresh.stderr
    assert list(elsewhere.iterdir()) == []  # no ./data left where it ran
