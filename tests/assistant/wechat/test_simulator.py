"""The simulator is right before anything is tested with it: Tencent's published test vector."""

from __future__ import annotations

from tests.assistant.wechat.simulator import decrypt, encrypt, fields_of, sha1_sign

# From the sample code of WeChat's message encryption (WXBizMsgCrypt), as the issue quotes it.
TOKEN, AES_KEY, APPID = "spamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2"
TIMESTAMP, NONCE = "1409735669", "1320562132"
MSG_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9"
    "FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3y"
    "t+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v"
    "6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)


def test_the_published_vector_signs_and_decrypts() -> None:
    assert sha1_sign(TOKEN, TIMESTAMP, NONCE, ENCRYPT) == MSG_SIGNATURE
    message, receiver = decrypt(AES_KEY, ENCRYPT)
    assert receiver == APPID
    fields = fields_of(message)
    assert fields["MsgType"] == "text" and fields["Content"] == "abcdteT"
    assert fields["FromUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs" and fields["MsgId"] == "6054768590064713728"


def test_what_it_encrypts_it_decrypts() -> None:
    text = "<xml><Content><![CDATA[积分]]></Content></xml>"
    assert decrypt(AES_KEY, encrypt(AES_KEY, APPID, text)) == (text, APPID)


def test_our_protocol_code_reads_the_published_vector() -> None:
    """The same vector through `assistant.wechat` (the service's own code, checked independently above)."""
    from assistant.wechat.callback import Account, Callback

    cb = Callback(Account(kind="mp", token=TOKEN, receive_id=APPID, aes_key=AES_KEY), clock=lambda: int(TIMESTAMP) + 1)
    body = f"<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{ENCRYPT}]]></Encrypt></xml>"
    inbound = cb.open({"msg_signature": MSG_SIGNATURE, "timestamp": TIMESTAMP, "nonce": NONCE, "encrypt_type": "aes"},
                      body.encode())
    assert inbound.encrypted and inbound.fields["Content"] == "abcdteT"
    sealed = fields_of(cb.seal("<xml><Content><![CDATA[好]]></Content></xml>", inbound))
    assert sealed["MsgSignature"] == sha1_sign(TOKEN, sealed["TimeStamp"], sealed["Nonce"], sealed["Encrypt"])
    assert decrypt(AES_KEY, sealed["Encrypt"]) == ("<xml><Content><![CDATA[好]]></Content></xml>", APPID)
