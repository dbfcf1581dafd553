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

# Seconds of computing whose outcome the database cannot change (a class photo's sixty
# faces): run once, in the shorter pass.
computing_once = pytest.mark.skipif(
    ON_POSTGRESQL,
    reason="computing that does not depend on the database: run in the SQLite pass only",
)

# What a page looks like and says (its layout, its themes, its words in Korean) is the
# scripts' and the styles' doing over the same pages from either database: run once, in
# the SQLite pass. What a page does with the server (uploads, albums, the scrubber's
# months, sign-in) runs in both.
page_once = pytest.mark.skipif(
    ON_POSTGRESQL,
    reason="how a page looks and speaks, the same over either database: run in the SQLite "
    "pass only",
)

# An outside client (rclone) against the live server: what it checks is the protocol and
# the storage, the same in both passes; run once, in the shorter one.
client_suite = pytest.mark.skipif(
    ON_POSTGRESQL,
    reason="an outside client against the live server, the same in both passes: run in the "
    "SQLite pass only",
)


# Where a test's photos are stored (`photo_storage`), as the two ways MyPhoto is run keep
# them: the SQLite pass on local disk (`make run`'s setup), the PostgreSQL pass on a real
# SeaweedFS (a server's). Neither storage does anything that depends on the database, so
# each test runs once on each; what only S3 does (presigned POSTs, ranges from a bucket,
# its faults) asks for SeaweedFS itself and runs in both passes.
STORAGES = ["s3"] if ON_POSTGRESQL else ["disk"]
