"""Where the client keeps the server's address and its token."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .speech import gettext


class NotLoggedIn(Exception):
    """No server or token is configured."""


@dataclass(frozen=True)
class Credentials:
    url: str
    token: str


def config_dir() -> Path:
    if os.environ.get("MYPHOTO_CONFIG_DIR"):
        return Path(os.environ["MYPHOTO_CONFIG_DIR"])
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "myphoto"


def config_file() -> Path:
    return config_dir() / "config.json"


def save(credentials: Credentials) -> Path:
    """Write the config readable by its owner only (it holds a secret)."""
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump({"url": credentials.url, "token": credentials.token}, out)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


def forget() -> bool:
    try:
        config_file().unlink()
    except FileNotFoundError:
        return False
    return True


def load() -> Credentials:
    """The saved login, each part overridden by MYPHOTO_URL / MYPHOTO_TOKEN."""
    saved: dict[str, str] = {}
    try:
        saved = json.loads(config_file().read_text())
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as err:
        raise NotLoggedIn(
            gettext("Cannot read %(path)s (%(why)s); run `myphoto login URL`.")
            % {"path": config_file(), "why": err}
        ) from err
    url = os.environ.get("MYPHOTO_URL") or saved.get("url", "")
    token = os.environ.get("MYPHOTO_TOKEN") or saved.get("token", "")
    if not url or not token:
        raise NotLoggedIn(
            gettext(
                "Not logged in: run `myphoto login URL` (or set MYPHOTO_URL and MYPHOTO_TOKEN)."
            )
        )
    return Credentials(url.rstrip("/"), token)
