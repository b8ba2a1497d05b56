"""Each field of a 422 explained in Chinese as well as English.

Pydantic names every failure with a stable `type` and gives its limits in `ctx`; the applicant
reads Chinese, so each type we meet at our doors gets a Chinese sentence, with the limit where
there is one. A type not listed still gets a Chinese sentence (the generic one), never none.
Our own validators (plumbing/edges/inputs.py) raise ValueError with an English text: the Chinese for
those is chosen by the words they start with.
"""
from __future__ import annotations

GENERIC_ZH = "该字段的值不符合要求"
OUT_OF_RANGE_ZH = "超出允许的范围"

BY_TYPE = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不接受此字段（请检查字段名拼写）",
    "string_type": "应为文本",
    "string_too_short": "内容过短（至少{min_length}个字符）",
    "string_too_long": "内容过长（最多{max_length}个字符）",
    "string_pattern_mismatch": "格式不正确",
    "too_short": "项目过少（至少{min_length}项）",
    "too_long": "项目过多（最多{max_length}项）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为是或否（true/false）",
    "bool_parsing": "应为是或否（true/false）",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than": "应小于{lt}",
    "less_than_equal": "应不大于{le}",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_type": "应为日期时间",
    "datetime_parsing": "应为日期时间",
    "uuid_type": "应为UUID",
    "uuid_parsing": "应为UUID",
    "enum": "不是允许的取值之一",
    "literal_error": "不是允许的取值之一",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的JSON",
    "recursion_loop": "嵌套层级过深",
}

# plumbing/edges/inputs.py's ValueError texts (pydantic prefixes them "Value error, ").
BY_MESSAGE = {
    "control characters": "不允许包含控制字符",
    "a phone number": "电话号码只能包含数字、空格、“-”和开头的“+”",
    "the date must lie": "日期须在1900年至2100年之间",
}


def message_zh(error: dict) -> str:
    """The Chinese sentence for one pydantic error (`{"type", "msg", "ctx"?}`)."""
    if error.get("type") == "value_error":
        text = str(error.get("msg", "")).removeprefix("Value error, ")
        return next((zh for start, zh in BY_MESSAGE.items() if text.startswith(start)), GENERIC_ZH)
    template = BY_TYPE.get(error.get("type", ""), GENERIC_ZH)
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):  # the limit is missing: the sentence without it
        return template.split("（")[0] if "（" in template else OUT_OF_RANGE_ZH
