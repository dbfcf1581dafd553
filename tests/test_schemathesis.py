"""Schemathesis against the API's own OpenAPI schema: whatever it sends, never a 5xx.

In-process through the WSGI app, on the test database, as the user whose token
it sends; bounded (EXAMPLES cases an operation) so that .ci/run stays quick.
Each operation's cases come from Schemathesis' Hypothesis strategy, driven by
`given` here (its own pytest plugin does not run under pytest 9).
"""

from __future__ import annotations

import logging

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES = 30


class _Failures(logging.Handler):
    """Keeps the traceback of the last server error Django logged."""

    last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.last = logging.Formatter().formatException(record.exc_info)


def test_the_api_never_answers_a_server_error_nor_html(token, make_photo):
    from myphoto.wsgi import application  # sets up Django's logging, so after it:

    failures = _Failures()
    logging.getLogger("django.request").addHandler(failures)

    make_photo("a real one.jpg")  # something for the generated ids to miss, or not
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    seen: dict[str, set[int]] = {}

    def check(operation: schemathesis.APIOperation) -> None:
        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            status = response.status_code
            seen.setdefault(operation.label, set()).add(status)
            if status >= 500:
                # The server's own traceback says more than the status.
                pytest.fail(f"{case.method} {case.formatted_path} {case.query}: {failures.last}")
            if status >= 400:
                # Errors are JSON too (API.md): never an HTML page under /api/v1.
                kind = {name.lower(): value for name, value in response.headers.items()}
                assert kind["content-type"][0].startswith("application/json"), (
                    case.method,
                    case.formatted_path,
                    status,
                )

        call()

    for operation in operations:
        check(operation)

    logging.getLogger("django.request").removeHandler(failures)
    # It reached every operation, and got more than refusals from some of them.
    assert len(seen) == len(operations)
    assert any(status < 400 for statuses in seen.values() for status in statuses)
