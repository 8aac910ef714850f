"""The roles: codes, Chinese names, and the words people type for them (cheap to import).

Codes (`admin`, `official`, `enterprise`, `public`) are what the store, tokens and JSON carry;
people may name a role in Chinese too (`innopoints users add --role 企业`).
"""

from __future__ import annotations

ROLES: dict[str, str] = {"admin": "管理员", "official": "园区工作人员", "enterprise": "企业用户", "public": "公众"}
# An account holds one of these; the public is whoever has no account.
ACCOUNT_ROLES: tuple[str, ...] = ("admin", "official", "enterprise")
_WORDS: dict[str, str] = {
    **{code: code for code in ROLES},
    **{name: code for code, name in ROLES.items()},
    "工作人员": "official",
    "园区管理人员": "official",
    "企业": "enterprise",
}


def role_code(text: str) -> str | None:
    """The role a person means: `admin`/`管理员`, `official`/`工作人员`, `enterprise`/`企业`; None if none.

    >>> role_code("企业"), role_code("Official"), role_code("老板")
    ('enterprise', 'official', None)
    """
    key = (text or "").strip()
    return _WORDS.get(key) or _WORDS.get(key.lower())


def role_name(code: str) -> str:
    """The Chinese name of a role code (an unknown code is shown as it is)."""
    return ROLES.get(code, code)


def role_choices() -> str:
    """The roles an account may hold, for messages and `--help`: `admin（管理员）、…`."""
    return "、".join(f"{code}（{ROLES[code]}）" for code in ACCOUNT_ROLES)
