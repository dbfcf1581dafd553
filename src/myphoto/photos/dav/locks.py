"""wsgidav's lock storage in the database: one view of the locks for every process.

The interface is wsgidav's LockStorageDict's (lock dictionaries keyed by token, listed by
path); expired locks are never answered and are removed when met.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Q
from wsgidav.lock_man.lock_manager import generate_lock_token, normalize_lock_root, validate_lock
from wsgidav.lock_man.lock_storage import LockStorageDict

from ..models import DavLock


def _unstored(row: DavLock) -> dict[str, Any]:
    lock = dict(row.lock)
    lock["owner"] = lock["owner"].encode()  # wsgidav keeps the owner's XML as bytes
    lock.update(token=row.token, root=row.root, expire=row.expires)
    return lock


class DatabaseLockStorage(LockStorageDict):  # type: ignore[misc]
    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def cleanup(self) -> None:
        DavLock.objects.filter(expires__gte=0, expires__lt=time.time()).delete()

    def clear(self) -> None:
        DavLock.objects.all().delete()

    def get(self, token: str) -> dict[str, Any] | None:
        row = DavLock.objects.filter(token=token).first()
        if row is None:
            return None
        if 0 <= row.expires < time.time():
            row.delete()
            return None
        return _unstored(row)

    def create(self, path: str, lock: dict[str, Any]) -> dict[str, Any]:
        lock["root"] = normalize_lock_root(path)
        timeout = float(lock.get("timeout") or self.LOCK_TIME_OUT_DEFAULT)
        if timeout < 0 or timeout > self.LOCK_TIME_OUT_MAX:
            timeout = self.LOCK_TIME_OUT_MAX
        lock["timeout"] = timeout
        lock["expire"] = time.time() + timeout
        validate_lock(lock)
        lock["token"] = generate_lock_token()
        kept = {key: value for key, value in lock.items() if key not in ("token", "root", "expire")}
        kept["owner"] = lock["owner"].decode()
        DavLock.objects.create(
            token=lock["token"], root=lock["root"], expires=lock["expire"], lock=kept
        )
        return lock

    def refresh(self, token: str, *, timeout: float) -> dict[str, Any]:
        if timeout < 0 or timeout > self.LOCK_TIME_OUT_MAX:
            timeout = self.LOCK_TIME_OUT_MAX
        row = DavLock.objects.get(token=token)
        row.lock = {**row.lock, "timeout": timeout}
        row.expires = time.time() + timeout
        row.save(update_fields=["lock", "expires"])
        return _unstored(row)

    def delete(self, token: str) -> bool:
        deleted, _ = DavLock.objects.filter(token=token).delete()
        return deleted > 0

    def get_lock_list(
        self, path: str, *, include_root: bool, include_children: bool, token_only: bool
    ) -> list[Any]:
        root = normalize_lock_root(path)
        where = Q()
        if include_root:
            where |= Q(root=root)
        if include_children:
            where |= Q(root__startswith=f"{root.rstrip('/')}/")
        rows = DavLock.objects.filter(where).filter(Q(expires__lt=0) | Q(expires__gte=time.time()))
        if token_only:
            return list(rows.values_list("token", flat=True))
        return [_unstored(row) for row in rows]
