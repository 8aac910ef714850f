"""WeChat's XML read as hostile input: a size cap, `defusedxml`, no DOCTYPE, no entities.

A message is one flat `<xml>` element of text children (`<ToUserName>`, `<Content>`, …; CDATA or
plain). Anything else — JSON, a DOCTYPE, an entity, nested elements deeper than WeChat's own
(`<ScanCodeInfo>` holds one level), a body over `MAX_BODY` — is refused before it is read further.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from assistant.wechat.errors import BadMessage, BodyTooLarge

MAX_BODY = 64 * 1024  # WeChat's messages are a few KiB; text is at most 2048 bytes
MAX_FIELDS = 64


def parse_xml(body: bytes, *, max_bytes: int = MAX_BODY) -> dict[str, str]:
    """The fields of a WeChat `<xml>` message (child tag → text, one level of nesting flattened)."""
    if len(body) > max_bytes:
        raise BodyTooLarge(f"消息体超过 {max_bytes} 字节的上限")
    if not body.strip():
        raise BadMessage("消息体为空")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise BadMessage("消息含 DOCTYPE 或实体声明，已拒绝") from None
    except ParseError:
        raise BadMessage("消息体不是有效的 XML") from None
    if root.tag != "xml":
        raise BadMessage("消息体的根元素不是 <xml>")
    fields: dict[str, str] = {}
    for child in root:
        _collect(child, fields, depth=0)
        if len(fields) > MAX_FIELDS:
            raise BadMessage("消息字段过多")
    return fields


def _collect(node: Element, fields: dict[str, str], *, depth: int) -> None:
    if len(node) == 0:
        fields[node.tag] = (node.text or "").strip() if node.tag not in ("Content", "Recognition") else node.text or ""
        return
    if depth >= 1:
        raise BadMessage("消息嵌套过深")
    for child in node:
        _collect(child, fields, depth=depth + 1)


def require(fields: dict[str, str], *names: str) -> list[str]:
    """The values of these fields, or BadMessage naming the first one missing."""
    missing = [n for n in names if not fields.get(n)]
    if missing:
        raise BadMessage(f"消息缺少字段 {missing[0]}")
    return [fields[n] for n in names]


__all__ = ["MAX_BODY", "parse_xml", "require"]
