"""Departments as SMS recipients of deadline reminders, from notify's data file.

The plan names the departments but carries no phone for them, and contracts/ stay as they are:
notify keeps `templates/department_contacts.json` (org_id -> name, published landline, optional
duty mobile). A department's SMS number is its duty mobile when an operator has set one, else
its published landline, which fails phone validation ("not a mobile number") and so ends in an
honest NotificationFailed rather than a message that never arrives.
"""
from __future__ import annotations

from collections.abc import Mapping

from contracts.plan import Plan
from services.notify.domain.recipients import Contact, RecipientKind


def department_contacts(raw: Mapping[str, object], plan: Plan) -> list[Contact]:
    """Directory rows for every department the plan names; a department missing from the file
    is still listed (without a number), so its reminder fails with a clear reason."""
    known = {plan.city_hr_bureau.org_id: plan.city_hr_bureau.name_zh}
    for unit in plan.receiving_units:
        known[unit.construction_authority.org_id] = unit.construction_authority.name_zh
        known[unit.hr_bureau.org_id] = unit.hr_bureau.name_zh
    out = []
    for org_id, plan_name in known.items():
        entry = raw.get(org_id) if isinstance(raw.get(org_id), Mapping) else {}
        phone = entry.get("sms_mobile") or entry.get("phone")
        out.append(Contact(RecipientKind.ORG, org_id, str(entry.get("name") or plan_name), phone))
    return out
