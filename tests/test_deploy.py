"""docs/deploy.md's settings pass Django's deployment checks, as the page says they do."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def deploy_environment() -> dict[str, str]:
    """The /etc/myphoto/env block of docs/deploy.md, its <placeholders> filled in."""
    page = (ROOT / "docs" / "deploy.md").read_text()
    block = re.search(r"```sh\n# /etc/myphoto/env\n(.*?)```", page, re.S)
    assert block, "docs/deploy.md has no /etc/myphoto/env block"
    env = {}
    for line in block[1].splitlines():
        name, _, value = line.partition("=")
        if name == "MYPHOTO_SECRET_KEY":
            value = secrets.token_urlsafe(50)
        env[name] = re.sub(r"<[^>]*>", "placeholder", value)
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "myphoto", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_settings_pass_check_deploy(tmp_path):
    documented = deploy_environment()
    assert documented["MYPHOTO_BEHIND_HTTPS_PROXY"] == "1"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MYPHOTO_", "DATABASE_"))},
        **documented,
        "MYPHOTO_DATA_DIR": str(tmp_path),
    }

    checked = check_deploy(env)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout


def test_without_the_production_settings_check_deploy_complains(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYPHOTO_", "DATABASE_"))}
    env["MYPHOTO_DATA_DIR"] = str(tmp_path)

    checked = check_deploy(env)

    assert checked.returncode != 0
    assert "SECURE_HSTS_SECONDS" in checked.stderr + checked.stdout
