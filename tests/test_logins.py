"""Passwords can't be guessed: failed logins are counted per account and per address."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import passes
import pytest
import seaweedfs
from django.test import Client

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_an_account_is_locked_after_a_few_wrong_passwords_even_the_right_one_then(user, settings):
    browser = Client()
    answers = [
        login(browser, "alice", f"guess {n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers[:-1] == [200] * (len(answers) - 1)  # the form again, with its error

    locked = login(browser, "alice", "correct horse battery")

    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in browser.session
    # From another address too: the account is what is locked.
    assert login(Client(), "alice", "correct horse battery", "198.51.100.9").status_code == 429


def test_an_address_is_locked_after_failing_across_accounts(user, other_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), f"someone{n}", "wrong", "192.0.2.50")

    assert login(Client(), "mallory", "correct horse battery", "192.0.2.50").status_code == 429
    # Another address, the same right password: in.
    assert login(Client(), "mallory", "correct horse battery", "192.0.2.51").status_code == 302


@passes.once
def test_the_counts_are_shared_by_every_server_process(tmp_path):
    """`myphoto serve` with two worker processes, a new connection for each try: the
    failures land in both processes, and the limit still holds (a count kept in each
    process's memory would need up to twice as many)."""
    port = seaweedfs.free_port()
    env = {**os.environ, "MYPHOTO_DATA_DIR": str(tmp_path / "data"), "MYPHOTO_WORKER_IN_SERVE": "0"}
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-m", "myphoto"]
    subprocess.run([*run, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*run, "createuser", "dora", "--password", "correct horse battery"],
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [*run, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/healthz").raise_for_status()
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)

        def try_password(password: str) -> int:
            # A client of its own each time: a new connection, to either worker.
            with httpx.Client(base_url=base) as browser:
                browser.get("/accounts/login/")
                return browser.post(
                    "/accounts/login/",
                    data={
                        "username": "dora",
                        "password": password,
                        "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                    },
                    headers={"Referer": f"{base}/accounts/login/"},
                ).status_code

        limit = 5  # MYPHOTO_LOGIN_ATTEMPTS' default
        assert [try_password(f"guess {n}") for n in range(limit)][:-1] == [200] * (limit - 1)
        assert try_password("correct horse battery") == 429
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_right_password_below_the_limit_logs_in_and_forgets_the_failures(user, settings):
    browser = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        login(browser, "alice", f"guess {n}")

    assert login(browser, "alice", "correct horse battery").status_code == 302
    browser.logout()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(browser, "alice", f"again {n}").status_code == 200
