"""Property-based API tests: schemathesis generates requests from the app's own OpenAPI schema.

Every operation gets `EXAMPLES` generated cases in each generation mode (positive: data that fits
the schema; negative: data that does not), sent in process (ASGI) as a logged-in official on a
private copy of the demo zone, so responses carry data and generated logins, users and keys touch
nobody else. A case fails on a 5xx or on a response outside what the schema declares: an
undocumented status code, a wrong content type, or a body that breaks the response schema.
Generation is derandomized (the same cases every run) and failures are not shrunk, to stay fast.
`benchmarks/schemathesis_run.py` runs the same check with many more examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assistant.api.app import create_app
from tests.assistant.conftest import Zone, copy_zone, login, make_settings

EXAMPLES = 25  # per operation and generation mode (positive, negative): ~17 operations → ~700 cases
SYSTEM_EXAMPLES = 5  # the two routes that parse YAML on every request
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def official_app(zone: Zone, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    """The app on a private copy of the zone, with an official's Authorization header."""
    folder = copy_zone(zone, tmp_path_factory.mktemp("schemathesis"))
    app = create_app(make_settings(folder))
    with TestClient(app) as c:
        token = login(c, "official")
    yield app, {"Authorization": f"Bearer {token}"}


# The schema is the app's own, read at import (building it touches no database). The requests go
# to the fixture's app at call time: `schemathesis.pytest.from_fixture` fails under pytest 9
# (`Function` has no `_nodeid`), so the schema cannot come from a fixture.
schema = schemathesis.openapi.from_dict(create_app(make_settings(Path("/nonexistent-innopoints"))).openapi())


def test_schema_covers_every_route() -> None:
    """The schema lists every public route of the service (nothing is hidden from the fuzzer)."""
    ops = {f"{op.ok().method.upper()} {op.ok().path}" for op in schema.get_all_operations()}
    expected = {
        "GET /api/health", "POST /api/auth/token", "GET /api/auth/me", "GET /api/enterprises",
        "GET /api/enterprises/{uscc}", "GET /api/enterprises/{uscc}/portrait", "GET /api/rankings",
        "GET /api/stats/distribution", "GET /api/systems", "GET /api/systems/{version}",
        "GET /api/systems/{old}/diff/{new}", "GET /api/runs", "GET /api/runs/{run_id}", "GET /api/lists/credit",
        "GET /api/users", "POST /api/users", "POST /api/users/{username}/disable",
        "POST /api/users/{username}/api-keys", "GET /api/audit",
        "POST /api/imports", "GET /api/imports", "GET /api/imports/{batch_id}", "POST /api/imports/{batch_id}/revert",
        "GET /api/conflicts", "GET /api/search", "GET /api/search/suggest",
        "POST /api/chat", "GET /api/chat/sessions/{session_id}", "POST /v1/chat/completions", "GET /v1/models",
        "POST /api/users/{username}/enterprises", "DELETE /api/users/{username}/enterprises/{uscc}",
    }
    assert expected <= ops, expected - ops


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same cases every run: a failure here is a finding, not luck
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found, fast
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture(scope="module", autouse=True)
def memory_cap() -> Iterator[None]:
    """Cap the address space while fuzzing: a request that asks for gigabytes (a histogram with a
    tiny bin width) then fails with MemoryError — a 500, reported — instead of the kernel's OOM
    killer ending the whole test session."""
    import resource

    used = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            used = int(line.split()[1]) * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + 6 * 2**30
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _call(case: Any, official_app: tuple[Any, dict[str, str]]) -> None:
    app, headers = official_app
    case.call_and_validate(app=app, headers=dict(headers), checks=CHECKS)


@pytest.mark.slow
@schema.exclude(path_regex="^/api/systems/").parametrize()
@_settings(EXAMPLES)
def test_api_conforms_to_its_schema(case: Any, official_app: tuple[Any, dict[str, str]]) -> None:
    """No 5xx and no response outside the declared schema, for any generated request."""
    _call(case, official_app)


@pytest.mark.slow
@schema.include(path_regex="^/api/systems/").parametrize()
@_settings(SYSTEM_EXAMPLES)
def test_indicator_system_routes_conform_to_their_schema(case: Any, official_app: tuple[Any, dict[str, str]]) -> None:
    """The same for one system and the diff of two, with fewer cases: each request re-reads and
    validates every YAML file (about a second), so 25 cases would take half a minute."""
    _call(case, official_app)
