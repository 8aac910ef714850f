"""The Chinese names of the stages and the data sources: plain dicts, cheap to import.

They live apart from `schema` so that the command line can show them in `--help` without
loading pydantic models, the rule kinds and numpy.
"""

from __future__ import annotations

STAGES: dict[str, str] = {
    "startup": "初创期",
    "growth": "成长期",
    "development": "发展期",
    "mature": "成熟期",
}
SOURCES: dict[str, str] = {
    "register": "市场监管（工商登记）",
    "tax": "税务",
    "ip": "知识产权",
    "hr": "社保/人社",
    "cert": "资质认定",
    "stats": "统计/火炬统计",
    "credit": "信用",
    "finance": "金融/投融资",
    "self_report": "企业填报",
    "review": "专家评审",
}

__all__ = ["SOURCES", "STAGES"]
