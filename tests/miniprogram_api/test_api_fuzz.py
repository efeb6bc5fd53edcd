"""Schema-driven fuzzing (schemathesis) of every operation in the OpenAPI document, against the
app on a local port with a valid session: no input may cause a server error. Run once per role,
so that bodies get past the role checks into each role's own domain code (an inspector's request
to a management route stops at 403). Bounded (25 examples per operation) so CI stays fast. Responses are also checked against the document (status,
content type, body schema), which keeps the document true."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis import checks

from models.enums import InspectionState
from tests.fieldworld import World, session_for

# SUIJI_FUZZ_EXAMPLES=500 for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("SUIJI_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def settings(settings: Any) -> Any:
    """The WeCom app configured (never called: logins go to the stand-in, nothing is sent), so
    the staff app's OAuth link is made rather than refused as unavailable."""
    return settings.model_copy(update={"wecom_corp_id": "wwfuzz", "wecom_agent_id": 1000002,
                                       "wecom_secret": "fuzz-secret"})


@pytest.mark.parametrize("role", ["member", "leader", "initiator", "admin"])
async def test_fuzz_finds_no_server_error(api: Any, world: World, role: str) -> None:
    world.inspection.state = InspectionState.CHECKED_IN
    await world.inspection.save()
    doc = await (await api.get("/api/v1/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(doc)
    base_url = str(api.make_url("")).rstrip("/")
    loop = asyncio.get_running_loop()
    staff = world.staff[role]
    headers = await session_for(api, staff)
    failures: list[str] = []

    def fresh_session() -> dict[str, str]:
        return asyncio.run_coroutine_threadsafe(session_for(api, staff), loop).result(10)

    def fuzz(operation: Any) -> None:
        @given(case=operation.as_strategy())
        @hsettings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck),
                   phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
        def run(case: Any) -> None:
            nonlocal headers
            response = case.call(base_url=base_url, headers=headers, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} "
                                f"{response.text[:200]}")
            # The document must stay true: documented status, content type and body schema.
            try:
                case.validate_response(response, checks=[
                    checks.status_code_conformance, checks.content_type_conformance,
                    checks.response_schema_conformance])
            except Exception as exc:  # schemathesis raises its own failure types
                failures.append(f"{case.method} {case.formatted_path}: {str(exc)[:300]}")
            if case.operation.path.endswith("/auth/logout"):
                headers = fresh_session()

        run()

    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        await asyncio.to_thread(fuzz, operation)
        count += 1
    assert count == len([op for ops in doc["paths"].values() for op in ops])
    assert failures == []
