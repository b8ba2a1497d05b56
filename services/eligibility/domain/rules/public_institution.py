"""Public institutions [二(四)]: within the post-structure ratio, and the post table uploaded
(a unit explanation instead for staff outside the establishment). Other units: not applicable."""
from __future__ import annotations

from contracts.application import Application, AttachmentKind, PublicInstitutionPost, UnitKind
from contracts.plan import Plan

from .base import Rule


def _applies(application: Application) -> bool:
    return application.unit.kind == UnitKind.PUBLIC_INSTITUTION


class PublicInstitutionPostRatio(Rule):
    code = "PI_POST_RATIO"
    description = "事业单位在核定岗位结构比例内申报 / public institution: within the post ratio"

    def check(self, application: Application, plan: Plan):
        post = application.public_institution
        inputs = {"public_institution": _applies(application),
                  "within_post_ratio": post.within_post_ratio if post else None}
        threshold = "within the approved post-structure ratio"
        if not _applies(application):
            return self.result(True, inputs, threshold, "非事业单位，不适用", "not a public institution")
        if post is None or not post.within_post_ratio:
            return self.result(False, inputs, threshold, "事业单位申报超出核定的岗位结构比例或无空缺岗位",
                               "public institution: no vacant post within the approved ratio")
        return self.result(True, inputs, threshold, "在核定的岗位结构比例内", "within the approved post ratio")


class PublicInstitutionPostDocument(Rule):
    code = "PI_POST_DOCUMENT"
    description = "事业单位上传岗位信息表（非在编人员上传单位说明） / post table or unit explanation"

    def check(self, application: Application, plan: Plan):
        post = application.public_institution or PublicInstitutionPost()
        needed = AttachmentKind.POST_TABLE if post.in_establishment else AttachmentKind.UNIT_EXPLANATION
        uploaded = any(a.kind == needed for a in application.attachments)
        inputs = {"public_institution": _applies(application), "in_establishment": post.in_establishment,
                  "required": needed.value, "uploaded": uploaded}
        threshold = "post_table (in establishment) or unit_explanation (not in establishment)"
        if not _applies(application):
            return self.result(True, inputs, threshold, "非事业单位，不适用", "not a public institution")
        name_zh = "《事业单位人员职称申报岗位信息表》" if post.in_establishment else "非在编人员单位说明"
        name_en = "post table" if post.in_establishment else "unit explanation (not in establishment)"
        if uploaded:
            return self.result(True, inputs, threshold, f"已上传{name_zh}", f"{name_en} uploaded")
        return self.result(False, inputs, threshold, f"未上传{name_zh}", f"{name_en} not uploaded")
