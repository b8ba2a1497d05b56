import uuid

from hypothesis import given
from hypothesis import strategies as st

from services.notify.domain.dedup import dedup_key, notification_id, recipient_identity


def test_the_key_is_a_sha256_hex_stable_across_calls():
    event_id = uuid.UUID("00000000-0000-4000-8000-0000000000aa")
    key = dedup_key(event_id, "fee_due", recipient_identity("applicant", "a-1"))
    assert key == dedup_key(str(event_id), "fee_due", "applicant:a-1")
    assert len(key) == 64 and int(key, 16) >= 0


def test_the_key_differs_by_event_template_and_recipient():
    e = uuid.uuid4()
    keys = {dedup_key(e, "t", "r"), dedup_key(uuid.uuid4(), "t", "r"), dedup_key(e, "u", "r"), dedup_key(e, "t", "s")}
    assert len(keys) == 4


@given(st.text(), st.text(), st.text(), st.text())
def test_moving_text_between_parts_changes_the_key(a, b, c, d):
    if (a, b) != (c, d):
        assert dedup_key("e", a, b) != dedup_key("e", c, d)


def test_a_separator_inside_a_part_cannot_forge_another_key():
    assert dedup_key("e", "x\x1fy", "") != dedup_key("e", "x", "y\x1f")
    assert dedup_key("e", 'a", "b', "c") != dedup_key("e", "a", 'b", "c')


def test_the_notification_id_follows_the_key():
    assert notification_id("k") == notification_id("k") != notification_id("j")
