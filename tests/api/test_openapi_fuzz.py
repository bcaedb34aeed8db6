"""Property-based run of the whole API from its OpenAPI document: nothing answers 5xx.

Schemathesis generates requests (valid and invalid) for every operation of
/api/v1/openapi.json and sends them in-process to the WSGI application, inside
the test's database transaction. The run is reproducible: a fixed seed and a
bounded number of examples per operation. A failure prints the request (as
curl) that triggered the server error.

Three passes, each with a bearer token:

* every operation, generated path parameters, as the commune admin of Xã Hà Trung;
* the commune-scoped operations with ``{code}`` pinned to that admin's own
  commune, so permission checks pass and the filters, pagination and audit
  writes behind them run;
* the national calendar's overrides as the platform administrator, the only
  role allowed to write them.
"""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from xaso.accounts.demo import DEMO_COMMUNE_CODE

SEED = 1
MAX_EXAMPLES = 25
OPENAPI = "/api/v1/openapi.json"
COMMUNE_ADMIN = "quantri.hatrung"
PLATFORM_ADMIN = "admin"

HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _schema(**parameters):
    """The API schema, loaded through the project's WSGI handler (no database needed)."""
    from django.core.handlers.wsgi import WSGIHandler

    config = schemathesis.Config.from_dict(
        {"seed": SEED, "generation": {"max-examples": MAX_EXAMPLES}, "parameters": parameters}
    )
    return schemathesis.openapi.from_wsgi(OPENAPI, WSGIHandler(), config=config)


everything = _schema()
own_commune = _schema(**{"path.code": f"{DEMO_COMMUNE_CODE:05d}"}).include(
    path_regex=r"/communes/\{code\}"
)
calendar_writes = _schema().include(path_regex=r"/calendar/overrides/")


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Keep the test's transaction open across in-process requests.

    Django closes "old" connections when a request starts and finishes; inside
    the test transaction that would drop it. The Django test client switches
    these hooks off in the same way.
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer_of(demo):
    """bearer_of(username) → headers with a fresh API token of that demo actor.

    Fresh for every request, because a generated request may revoke the token it
    was sent with (DELETE /tokens/{token_id}).
    """
    from xaso.accounts.models import User
    from xaso.accounts.services import issue_token

    def _headers(username: str) -> dict[str, str]:
        _token, raw = issue_token(User.objects.get(username=username), "fuzz")
        return {"Authorization": f"Bearer {raw}"}

    return _headers


class _RolledBack(Exception):
    pass


@contextlib.contextmanager
def _rolled_back():
    """Run one request in a savepoint and undo it: every example starts from the
    same data, and a database error (PostgreSQL aborts the transaction) does not
    spill over into the next example."""
    with contextlib.suppress(_RolledBack), transaction.atomic():
        yield
        raise _RolledBack


def _check(case, headers: dict[str, str]) -> None:
    with _rolled_back():
        case.call_and_validate(headers=headers, checks=[not_a_server_error])


@everything.parametrize()
@HYPOTHESIS
def test_no_operation_answers_5xx(case, bearer_of):
    _check(case, bearer_of(COMMUNE_ADMIN))


@own_commune.parametrize()
@HYPOTHESIS
def test_commune_operations_on_own_commune_never_answer_5xx(case, bearer_of):
    _check(case, bearer_of(COMMUNE_ADMIN))


@calendar_writes.parametrize()
@HYPOTHESIS
def test_calendar_overrides_by_platform_admin_never_answer_5xx(case, bearer_of):
    _check(case, bearer_of(PLATFORM_ADMIN))
