"""The supervised stack hands each key only to the service that holds it (ARCHITECTURE.md "Least privilege")."""
from zc.supervise import SERVICES, service_program

EVERY_KEY = {"ZC_PERSON_REF_SECRET": "p" * 32, "ZC_OPERATOR_REF_SECRET": "o" * 32,
             "ZC_PERSONAL_DATA_MASTER_KEY": "m" * 44, "ZC_TOPIC_PREFIX": "zc"}
HOLDS = {"intake": {"ZC_PERSON_REF_SECRET", "ZC_PERSONAL_DATA_MASTER_KEY"}, "review": {"ZC_OPERATOR_REF_SECRET"},
         "eligibility": set(), "notify": set()}


def test_each_supervised_service_gets_its_own_keys_and_no_other():
    for service in SERVICES:
        env = service_program(service, 8000, dict(EVERY_KEY)).env
        assert {k for k in EVERY_KEY if k in env} == HOLDS[service] | {"ZC_TOPIC_PREFIX"}, service
