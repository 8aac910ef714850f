"""WeChat settings are checked at start-up, with the setting's name in a Chinese message."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from assistant.config import Settings

KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@pytest.mark.parametrize(("overrides", "named"), [
    ({"wechat_token": "a b"}, "INNOPOINTS_WECHAT_TOKEN"),
    ({"wechat_token": "tok123", "wechat_aes_key": "short"}, "INNOPOINTS_WECHAT_AES_KEY"),
    ({"wechat_token": "tok123", "wechat_aes_key": KEY[:-1] + "!"}, "INNOPOINTS_WECHAT_AES_KEY"),
    ({"wechat_token": "tok123", "wechat_aes_key": KEY}, "INNOPOINTS_WECHAT_APP_ID"),
    ({"wechat_token": "tok123", "wechat_api_base": "ftp://x"}, "INNOPOINTS_WECHAT_API_BASE"),
    ({"wework_token": "tok123"}, "INNOPOINTS_WEWORK_AES_KEY"),
    ({"wechat_token": "tok123", "environment": "production", "secret_key": "s" * 40,
      "wechat_api_base": "http://api.example.cn"}, "https"),
    ({"portal_url": "jf.example.gov.cn"}, "INNOPOINTS_PORTAL_URL"),
    ({"portal_url": "javascript:alert(1)"}, "INNOPOINTS_PORTAL_URL"),
    ({"portal_url": "https://jf.example.gov.cn/?next=evil"}, "INNOPOINTS_PORTAL_URL"),
    ({"portal_url": "https://jf.example.gov.cn/ x"}, "INNOPOINTS_PORTAL_URL"),
])
def test_bad_wechat_settings_are_refused(overrides: dict[str, Any], named: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Settings(**overrides)
    assert named in str(exc.value)


def test_a_complete_account_is_accepted() -> None:
    s = Settings(wechat_token="tok123", wechat_aes_key=KEY, wechat_app_id="wx1", wework_token="tok456",
                 wework_aes_key=KEY, wework_corp_id="ww1")
    assert s.wechat_app_id == "wx1" and "tok123" not in repr(s)


def test_the_portal_address_is_kept_without_its_trailing_slash() -> None:
    assert Settings(portal_url="https://jf.example.gov.cn/").portal_url == "https://jf.example.gov.cn"
