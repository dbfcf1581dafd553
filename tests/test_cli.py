"""The server-side `myphoto` commands, run as a person would run them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import CommandError, call_command

from myphoto.photos.models import User

pytestmark = pytest.mark.django_db


def test_createuser_with_password(capsys):
    call_command("createuser", "bob", "--password", "a long enough passphrase")

    assert "Created user bob." in capsys.readouterr().out
    assert User.objects.get(username="bob").check_password("a long enough passphrase")


def test_createuser_refuses_weak_password_and_duplicates(user):
    with pytest.raises(CommandError, match="too short"):
        call_command("createuser", "carol", "--password", "abc")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createuser", "ALICE", "--password", "a long enough passphrase")


def test_token_for_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("token", "create", "nobody")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_migrates_makes_first_user_and_serves(tmp_path):
    """`myphoto serve` on an empty data folder: what `make run` does for a newcomer."""
    port = _free_port()
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
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (tmp_path / "data" / "myphoto.sqlite3").exists()
