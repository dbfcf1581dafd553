"""Which pass of `.ci/run` a test runs in, for tests whose outcome cannot depend on it.

The two passes run side by side; a test that starts its own processes on their own SQLite
database (whatever the pass's database is) would only repeat itself in the PostgreSQL
pass, the longer of the two.
"""

from __future__ import annotations

import pytest
from django.conf import settings

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]

once = pytest.mark.skipif(
    ON_POSTGRESQL,
    reason="starts its own processes on SQLite whatever the pass: run in the SQLite pass only",
)

# An outside client (rclone) against the live server: what it checks is the protocol and
# the storage, the same in both passes; run once, in the shorter one.
client_suite = pytest.mark.skipif(
    ON_POSTGRESQL,
    reason="an outside client against the live server, the same in both passes: run in the "
    "SQLite pass only",
)
