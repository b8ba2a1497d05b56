"""One correlation id follows a filing from its HTTP request, through intake, eligibility, review
and notify (over Kafka), to the SMS it causes; each step names the event that caused it."""
import uuid

import httpx

from contracts.envelope import Role
from tests.e2e.api import applicant_token, get_json, submit_body, token, with_approved_archive, with_new_id
from tests.fixtures.applicant_changes import ce
from tests.fixtures.builders import ID_NUMBER, normal_applicant

AUDITOR = token(Role.AUDITOR, user="auditor")


async def test_one_correlation_id_follows_a_filing_from_its_http_request_to_its_sms(stack, eventually):
    app = ce(with_new_id(normal_applicant()), 2019, 59, 18, 12)  # 89 CE hours: ineligible, told by SMS
    app_id, story = app.application_id, uuid.uuid4()
    async with httpx.AsyncClient(timeout=30) as client:
        app = await with_approved_archive(client, stack, app, ID_NUMBER, eventually)
        filed = await client.post(f"{stack.url('intake')}/applications", json=submit_body(app, ID_NUMBER),
                                  headers={**applicant_token(ID_NUMBER), "X-Correlation-Id": str(story)})
        assert filed.status_code == 201, filed.text
        assert filed.headers["X-Correlation-Id"] == str(story)
        request_id = filed.headers["X-Causation-Id"]

        async def stream(service: str, stream_id: str):
            return await get_json(client, f"{stack.url(service)}/audit/streams/{stream_id}", AUDITOR)

        async def sms_sent():
            body = await stream("notify", f"notification-{app_id}")
            return [e for e in (body or {}).get("events", []) if e["event_type"] == "NotificationSent"] or None

        [sent] = await eventually(sms_sent)
        [submitted] = (await stream("intake", f"application-{app_id}"))["events"]
        [assessed] = (await stream("eligibility", f"eligibility-{app_id}"))["events"]
        opened = (await eventually(lambda: stream("review", f"case-{app_id}")))["events"][0]

    assert (submitted["correlation_id"], submitted["causation_id"]) == (str(story), request_id)
    assert (assessed["correlation_id"], assessed["causation_id"]) == (str(story), submitted["event_id"])
    assert (opened["event_type"], opened["correlation_id"]) == ("CaseOpened", str(story))
    assert opened["causation_id"] == assessed["event_id"]
    assert sent["payload"]["template"] == "eligibility_ineligible" and sent["correlation_id"] == str(story)
    assert sent["causation_id"] == assessed["event_id"]
