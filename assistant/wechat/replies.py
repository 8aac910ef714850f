"""Reply XML and the 2048-byte limit of a WeChat text message.

Text goes in CDATA; a `]]>` inside it ends the section and opens a new one (`]]]]><![CDATA[>`),
so what a reply quotes can never close the element. A text longer than WeChat's limit is cut at
the last sentence end that fits (never inside a character) with a note that it was shortened;
`split_text` cuts it into several messages instead (the customer-service path, ≤ 5), and
`head_and_rest` gives the first of them (the passive reply) and what is left to push.
"""

from __future__ import annotations

MAX_TEXT_BYTES = 2048
SHORTENED = "……（回答较长，已节选）"
_BREAKS = "。！？；\n"


def cdata(text: str) -> str:
    """`text` as CDATA, whatever it holds."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(*, to_user: str, from_user: str, create_time: int, content: str) -> str:
    """A passive text reply (addressed back: To = the follower, From = the account)."""
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName><FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(create_time)}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )


def encrypted_reply(*, encrypt: str, signature: str, timestamp: str, nonce: str) -> str:
    """The envelope of an encrypted passive reply (safe / compatible mode, WeCom)."""
    return (
        f"<xml><Encrypt>{cdata(encrypt)}</Encrypt><MsgSignature>{cdata(signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{cdata(nonce)}</Nonce></xml>"
    )


def _cut(text: str, limit: int) -> tuple[str, str]:
    """The longest head of `text` within `limit` UTF-8 bytes, ending at a sentence break if one
    falls in its second half; and the rest."""
    data = text.encode()
    if len(data) <= limit:
        return text, ""
    head = data[:limit].decode(errors="ignore")  # drops a character cut in half
    cut = max(head.rfind(ch) for ch in _BREAKS)
    if cut >= len(head) // 2:
        head = head[:cut + 1]
    return head, text[len(head):]


def fits(text: str, *, limit: int = MAX_TEXT_BYTES) -> bool:
    """Whether `text` is one message."""
    return len(text.encode()) <= limit


def head_and_rest(text: str, *, limit: int = MAX_TEXT_BYTES) -> tuple[str, str]:
    """The first message of a long `text` (cut at a sentence break) and the rest, stripped."""
    head, rest = _cut(text, limit)
    return head, rest.lstrip()


def fit_text(text: str, *, limit: int = MAX_TEXT_BYTES, more_at: str = "") -> str:
    """`text` if it fits one message; else its head with a note that it was shortened (and, with
    `more_at`, where the whole answer can be read)."""
    if len(text.encode()) <= limit:
        return text
    note = f"……（回答较长，已节选。完整回答请到网页版查看：{more_at}）" if more_at else SHORTENED
    head, _ = _cut(text, limit - len(note.encode()))
    return head.rstrip() + note


def split_text(text: str, *, parts: int = 5, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """`text` in at most `parts` messages of `limit` bytes each (the last one shortened if need be)."""
    out: list[str] = []
    rest = text
    while rest and len(out) < parts - 1:
        head, rest = _cut(rest, limit)
        out.append(head)
    if rest:
        out.append(fit_text(rest, limit=limit))
    return [m for m in out if m.strip()] or [""]


__all__ = ["MAX_TEXT_BYTES", "cdata", "encrypted_reply", "fit_text", "fits", "head_and_rest", "split_text", "text_reply"]
