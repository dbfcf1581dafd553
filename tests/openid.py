"""A real OpenID provider for the single sign-on tests: npm's `oidc-provider` run by the
machine's node (tests/oidc/provider.mjs), installed from its lock file on first use."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "myphoto"
CLIENT_SECRET = "a-test-secret-that-is-long-enough"  # noqa: S105 (the test provider's)


@dataclass
class OpenIDProvider:
    issuer: str

    def tamper(self, **claims: str) -> None:
        """The next ID token handed out carries these claims instead (re-signed with the
        provider's real key)."""
        request = urllib.request.Request(  # noqa: S310 (our own provider, on 127.0.0.1)
            f"{self.issuer}/__tamper", data=json.dumps(claims).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5):  # noqa: S310
            pass


def _node() -> str:
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        if os.environ.get("MYPHOTO_REQUIRE_BROWSER"):
            raise RuntimeError("node and npm are needed for the single sign-on tests")
        pytest.skip("node and npm are not installed")
    return node


def _install() -> None:
    """`npm ci` once (the SQLite and PostgreSQL passes may both ask at once)."""
    with (HERE / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (HERE / "node_modules" / "oidc-provider").is_dir():
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],  # noqa: S607
                cwd=HERE,
                check=True,
            )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def openid_provider(redirect_uri: str) -> Iterator[OpenIDProvider]:
    """The provider, listening until the block ends, with MyPhoto's client registered
    for `redirect_uri`."""
    node = _node()
    _install()
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [node, str(HERE / "provider.mjs")],
        env={**os.environ, "OIDC_PORT": str(port), "OIDC_REDIRECT_URIS": redirect_uri},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if not first.startswith("ready "):
            raise RuntimeError(f"the OpenID provider did not start: {first!r}")
        yield OpenIDProvider(issuer=first.split()[1])
    finally:
        process.terminate()
        process.wait(timeout=10)
