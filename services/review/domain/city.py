"""The city HR bureau: forwards the recommended cases to the committee, then the fee.

The city's hand-over is bound by its own working deadline (operator data, contracts/deadlines.py),
not by 9月19日, which binds the departments reporting to it. The fee exists only after forwarding;
its amount and due time are the city HR bureau's, set in the request (the notice names neither).
Payment may also be recorded by the system from the payment channel, so these two do not check the
acting organisation here (authorization does).
"""
from __future__ import annotations

from contracts.errors import Conflict, InvalidInput
from contracts.events import FeePaid, FeeRequested, ForwardedToCommittee, Payload
from contracts.plan import Plan
from services.review.domain.case import Case, Stage
from services.review.domain.commands import ForwardToCommittee, RecordFeePayment, RequestFee
from services.review.domain.guards import (acting_step, require_case, require_eligible, require_in_time,
                                           require_stage)


def forward(case: Case | None, cmd: ForwardToCommittee, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.AT_CITY, doing_zh="报送评委会", doing_en="be forwarded to the committee")
    acting_step(case, cmd.actor, plan)
    require_in_time(case, now, plan)
    require_eligible(case)
    return [ForwardedToCommittee(application_id=case.application_id, committee=plan.committee_zh,
                                 batch_id=cmd.batch_id)]


def request_fee(case: Case | None, cmd: RequestFee, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.FORWARDED, doing_zh="通知缴费", doing_en="be asked for the fee")
    if case.fee_requested is not None:
        raise Conflict("已通知缴费", "the fee was already requested", code="FEE_ALREADY_REQUESTED")
    if cmd.amount_yuan <= 0:
        raise InvalidInput("请填写评审费金额（元，正整数）", "amount_yuan must be a positive number of yuan",
                           code="FEE_AMOUNT_INVALID")
    if cmd.due_by.tzinfo is None or cmd.due_by <= now:
        raise InvalidInput("缴费截止时间须为将来的时间（含时区）", "due_by must be in the future, with a timezone",
                           code="FEE_DUE_INVALID")
    return [FeeRequested(application_id=case.application_id, amount_yuan=cmd.amount_yuan, due_by=cmd.due_by)]


def record_payment(case: Case | None, cmd: RecordFeePayment, now, plan: Plan) -> list[Payload]:
    case = require_case(case)
    require_stage(case, Stage.FORWARDED, doing_zh="登记缴费", doing_en="have a payment recorded")
    if case.fee_requested is None:
        raise Conflict("尚未通知缴费", "no fee has been requested", code="FEE_NOT_REQUESTED")
    if case.fee_paid:
        raise Conflict("已登记缴费", "the payment was already recorded", code="FEE_ALREADY_PAID")
    if cmd.amount_yuan != case.fee_requested:
        raise InvalidInput(f"缴费金额{cmd.amount_yuan}元与应缴{case.fee_requested}元不符",
                           f"paid {cmd.amount_yuan} yuan, {case.fee_requested} was requested",
                           code="FEE_AMOUNT_MISMATCH")
    if cmd.paid_at.tzinfo is None or cmd.paid_at > now:
        raise InvalidInput("缴费时间无效", "paid_at must be timezone-aware and not in the future",
                           code="PAID_AT_INVALID")
    return [FeePaid(application_id=case.application_id, amount_yuan=cmd.amount_yuan,
                    paid_at=cmd.paid_at, receipt=cmd.receipt)]
