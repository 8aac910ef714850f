"""WeChat's message signature and AES envelope (official accounts and WeCom share it).

- signature: SHA-1 of the sorted strings (token, timestamp, nonce[, encrypt]) concatenated.
- envelope: AES-256-CBC with the key `base64(EncodingAESKey + "=")` (43 characters → 32 bytes)
  and IV = key[:16]; plaintext = 16 random bytes + length (4 bytes, big-endian) + message +
  receive id (the appid, or the WeCom CorpID); PKCS#7 padding to 32 bytes (not AES's 16).

The cipher is `cryptography`'s; nothing here is a hand-written cipher.

    >>> signature("spamtest", "1409735669", "1320562132")
    '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from assistant.wechat.errors import BadMessage, BadSignature, WrongReceiver

BLOCK_BITS = 256  # WeChat pads to 32 bytes


def signature(*parts: str) -> str:
    """SHA-1 hex of the parts sorted and joined (the `signature` and `msg_signature` of WeChat)."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def check_signature(given: str, *parts: str) -> None:
    """Refuse a signature that is not the one these parts give (compared in constant time)."""
    if not given or not hmac.compare_digest(given.lower().encode(), signature(*parts).encode()):
        raise BadSignature("微信消息签名校验失败")


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte key of a 43-character EncodingAESKey; ValueError for anything else."""
    if len(encoding_aes_key) != 43:
        raise ValueError("EncodingAESKey 须为 43 个字符")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        raise ValueError("EncodingAESKey 只能含字母、数字、+ 和 /") from None
    if len(key) != 32:
        raise ValueError("EncodingAESKey 解码后须为 32 字节")
    return key


class MessageCrypto:
    """Encrypt and decrypt message bodies for one receiver (`receive_id`: appid or CorpID)."""

    def __init__(self, encoding_aes_key: str, receive_id: str) -> None:
        self.key = aes_key(encoding_aes_key)
        self.receive_id = receive_id

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, text: str, *, random: bytes | None = None) -> str:
        """The base64 ciphertext of `text` addressed from `receive_id`."""
        body = text.encode()
        plain = (random or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.receive_id.encode()
        padder = padding.PKCS7(BLOCK_BITS).padder()
        padded = padder.update(plain) + padder.finalize()
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(padded) + enc.finalize()).decode()

    def decrypt(self, ciphertext: str) -> str:
        """The message inside; BadMessage for broken base64, length, padding or text;
        WrongReceiver when it names another appid / CorpID."""
        try:
            raw = base64.b64decode(ciphertext, validate=True)
        except (binascii.Error, ValueError):
            raise BadMessage("密文不是有效的 Base64") from None
        if not raw or len(raw) % 16:
            raise BadMessage("密文长度不是 AES 分组的整数倍")
        dec = self._cipher().decryptor()
        padded = dec.update(raw) + dec.finalize()
        unpadder = padding.PKCS7(BLOCK_BITS).unpadder()
        try:
            plain = unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise BadMessage("解密失败：填充无效（密文被篡改或密钥不对）") from None
        if len(plain) < 20:
            raise BadMessage("解密失败：明文过短")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise BadMessage("解密失败：消息长度无效")
        body, receiver = plain[20:20 + length], plain[20 + length:]
        if not hmac.compare_digest(receiver, self.receive_id.encode()):
            raise WrongReceiver("消息不是发给本公众号（或本企业）的")
        try:
            return body.decode()
        except UnicodeDecodeError:
            raise BadMessage("解密失败：消息不是 UTF-8 文本") from None


__all__ = ["MessageCrypto", "aes_key", "check_signature", "signature"]
