"""schemathesis against the API's own OpenAPI schema: no server error, no response that breaks the schema.

Why: the permission matrix and the hand-written API tests send the inputs their authors thought of; a
fuzzer sends the ones nobody did (huge integers, NUL characters, empty and very long strings, odd
periods), which is how a 500 from the database layer or an undocumented status code is found. Every
operation runs in-process (ASGI) against a copy of the web test database (the seed plan, the sample
data, a unit, one account per role), once as an admin and once as a unit editor, both with an API token,
so every write the fuzzer makes lands in that copy only. Hypothesis is bounded (`MAX_EXAMPLES` per
operation, no deadline) so the module fits in the suite.
"""

from __future__ import annotations

from dataclasses import dataclass

import hypothesis
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_web import PW, ROLE_USERS, _accounts, make_web

from targetboard.services import web_support
from targetboard.services.actors import Actor

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Auth:
    """An API token of one account; renewed when the fuzzer revokes it (DELETE /tokens/{id} with our id)."""

    db: object
    actor: Actor
    secret: str

    def headers(self) -> dict[str, str]:
        if web_support.token_account(self.db, self.secret) is None:  # type: ignore[arg-type]
            self.secret = web_support.create_token(self.db, self.actor, "fuzz")[1]  # type: ignore[arg-type]
        return {"Authorization": f"Bearer {self.secret}"}


@pytest.fixture(params=["sqlite-admin", "sqlite-unit_editor", "postgresql-admin"])
def fuzzed(request: pytest.FixtureRequest, _databases):
    """The app on its own copy of the web test database, and an API token of the role's account.

    (A fixture of its own rather than `web_url`: schemathesis resolves the schema fixture by name, and
    the conftest's `backend` parametrisation does not reach it through that route.)
    """
    from targetboard.services import users

    backend, role = str(request.param).split("-")
    dbs = _databases(backend)
    web = make_web(dbs.copy_of(dbs.template("web", _accounts)))
    actor = users.login(web.db, ROLE_USERS[role], PW)
    auth = Auth(web.db, actor, web_support.create_token(web.db, actor, "fuzz")[1])
    yield web, auth
    web.db.dispose()


def _fuzz(operation, mode: GenerationMode, auth: Auth, examples: int) -> str | None:
    """Run one operation's Hypothesis test; the first failure's report (shrunk), or None."""

    @hypothesis.settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        case.call_and_validate(headers=auth.headers(), checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # a check's failures, or an exception the app raised
        return f"{operation.label} ({mode}): {exc}"
    return None


def test_api_conforms_to_its_schema(fuzzed) -> None:
    """Every operation, positive and negative data: every failure of every operation is listed at once,
    so one run shows them all."""
    web, auth = fuzzed
    api = schemathesis.openapi.from_asgi("/api/openapi.json", web.app)
    failures: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        for mode, examples in ((GenerationMode.POSITIVE, MAX_EXAMPLES), (GenerationMode.NEGATIVE, MAX_EXAMPLES // 2)):
            failure = _fuzz(operation, mode, auth, examples)
            if failure:
                failures.append(failure)
    assert not failures, "\n\n".join(failures)
