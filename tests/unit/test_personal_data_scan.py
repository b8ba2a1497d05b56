"""The clear-text scanner of the season scan can fail: it finds a planted name, phone, ID number
(whole, masked, in chunks, its birth date) and keeps quiet about the random identifiers and
timestamps every event carries."""
import base64
import json
import uuid

from hypothesis import given, strategies as st
from stdnum.cn import ric

from tests.personal_data_scan import Person, findings, scan

FIRST17 = "33060219710405426"
ID_NUMBER = FIRST17 + ric.calc_check_digit(FIRST17 + "0")
PERSON = Person("欧阳素芬", "13912340001", ID_NUMBER)
OPERATOR = Person("慕容秋实", "13657500002")


def test_a_planted_name_is_found_plain_and_json_escaped():
    assert findings('{"name": "欧阳素芬"}', PERSON) == ["name 欧阳素芬"]
    assert findings(json.dumps({"name": "欧阳素芬"}), PERSON) == ["name 欧阳素芬"]  # \\u-escaped


def test_a_planted_phone_is_found_however_it_is_spelled():
    for spelled in ("13912340001", "+8613912340001", "139 1234 0001", "139-1234-0001"):
        assert findings(f'{{"to": "{spelled}"}}', PERSON) == ["phone 13912340001"], spelled
    assert findings('{"operator_phone": "13657500002"}', OPERATOR) == ["phone 13657500002"]


def test_a_planted_id_number_is_found_whole_masked_or_in_any_chunk_of_six_digits():
    assert "ID number (whole or log mask)" in findings(f'"id": "{ID_NUMBER}"', PERSON)
    assert "ID number (whole or log mask)" in findings(f'"id": "330602********{ID_NUMBER[-4:]}"', PERSON)
    assert findings('"born": "19710405"', PERSON) == ["ID number digits 19710405"]
    assert findings(f'"tail": "{ID_NUMBER[-6:]}"', PERSON) == [f"ID number digits {ID_NUMBER[-6:]}"]
    assert findings('"born_on": "1971-04-05"', PERSON) == ["birth date 1971-04-05"]


def test_the_region_code_alone_is_not_a_finding():
    assert findings('"mask": "330602************", "area": "330602"', PERSON) == []


@given(st.lists(st.uuids(), min_size=1, max_size=20), st.binary(min_size=32, max_size=32),
       st.integers(min_value=0, max_value=999_999), st.binary(min_size=64, max_size=256))
def test_random_identifiers_hashes_ciphertexts_bytes_and_timestamps_are_not_findings(ids, digest, micros, blob):
    text = json.dumps({"ids": [str(i) for i in ids], "hash": digest.hex(), "photo": "\\x" + blob.hex(),
                       "sealed": base64.b64encode(blob).decode(),
                       "at": f"2020-08-17T09:00:00.{micros:06d}+00:00", "key": uuid.uuid4().hex})
    assert findings(text, PERSON) == []


def test_id_digits_inside_an_identifier_are_still_found():
    assert findings(f'"stream_id": "person-x{ID_NUMBER[2:12]}"', PERSON) == [f"ID number digits {ID_NUMBER[2:12]}"]


def test_scan_names_where_each_finding_is():
    assert scan([("topic t", "钱 慕容秋实"), ("table x", "nothing")], [PERSON, OPERATOR]) == ["topic t: name 慕容秋实"]
