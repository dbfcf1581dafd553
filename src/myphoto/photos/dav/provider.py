"""The wsgidav application for /dav/: our provider, wsgidav's lock manager over a storage
in the database (every server process sees every lock), no authentication of its own
(web/dav.py has checked the app password) and no HTML pages."""

from __future__ import annotations

from functools import cache
from typing import Any

from wsgidav.dav_error import HTTP_FORBIDDEN, DAVError
from wsgidav.dav_provider import DAVProvider
from wsgidav.error_printer import ErrorPrinter
from wsgidav.request_resolver import RequestResolver
from wsgidav.wsgidav_app import WsgiDAVApp

from ..selectors.dav import dav_entry
from ..selectors.usage import usage_of
from ..services.dav import LIBRARY
from .library import LibraryFolder, library_resource
from .locks import DatabaseLockStorage
from .paths import BadPath, dav_path
from .uploads import Folder, PendingFile, member_of, owner_of

MOUNT = "/dav"


class Root(Folder):
    """A person's /dav/: what their apps sent, and the Library view."""

    def get_member_names(self) -> list[str]:
        return [LIBRARY, *super().get_member_names()]

    def get_member_list(self) -> list[Any]:
        return [LibraryFolder(f"/{LIBRARY}", self.environ), *super().get_member_list()]

    def get_display_name(self) -> str:
        return ""

    def get_last_modified(self) -> None:
        return None

    def get_creation_date(self) -> None:
        return None

    # RFC 4331: what `rclone about` and file managers show as used and free.
    def get_used_bytes(self) -> int:
        return usage_of(user=owner_of(self.environ)).bytes

    def get_available_bytes(self) -> int | None:
        owner = owner_of(self.environ)
        if owner.quota_bytes is None:
            return None
        return max(owner.quota_bytes - usage_of(user=owner).bytes, 0)

    def handle_delete(self) -> bool:
        raise DAVError(HTTP_FORBIDDEN)


class PhotoProvider(DAVProvider):  # type: ignore[misc]
    def ref_url_to_path(self, ref_url: str) -> str:
        # Locks are kept under "/~<person>/..." (uploads.lock_space); the path is what follows.
        if ref_url.startswith("/~"):
            ref_url = "/" + ref_url[2:].partition("/")[2]
        return str(super().ref_url_to_path(ref_url))

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        try:
            names = dav_path(path)
        except BadPath:
            return None
        if not names:
            return Root("/", environ, None)
        if names[0] == LIBRARY:
            return library_resource(path, environ)
        entry = dav_entry(owner=owner_of(environ), path=names)
        if entry is not None:
            return member_of("/" + "/".join(names[:-1]), environ, entry)
        pending = PendingFile(path, environ)
        locks = self.lock_manager.storage.get_lock_list(
            pending.get_ref_url(), include_root=True, include_children=False, token_only=True
        )
        return pending if locks else None  # a name locked before its file arrives


@cache
def dav_application() -> WsgiDAVApp:
    return WsgiDAVApp(
        {
            "mount_path": MOUNT,
            "provider_mapping": {"/": PhotoProvider()},
            "middleware_stack": [ErrorPrinter, RequestResolver],
            "http_authenticator": {"domain_controller": None},
            "simple_dc": {"user_mapping": {"*": True}},
            "lock_storage": DatabaseLockStorage(),
            "property_manager": None,
            # A PROPPATCH of getlastmodified sets a file's time, as rsync-like clients do.
            "mutable_live_props": ["{DAV:}getlastmodified"],
            "dir_browser": {"enable": False},
            "add_header_MS_Author_Via": True,
            "suppress_version_info": True,
            "logging": {"enable": False},
            "verbose": 1,
        }
    )
