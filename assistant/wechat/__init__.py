"""The assistant in WeChat: the official account (公众号) and WeCom (企业微信) on their real protocol.

Framework-free (no FastAPI, no Starlette): `assistant.api.routes.wechat` serves it over HTTP.

    callback   URL verification, opening a POSTed message, sealing the reply (crypto, parsing)
    messages   an incoming message or event        bot        what the assistant says to it
    bindings   openid → user, the only identity     delivery   the 5-second rule, dedupe, push
    push       the customer-service API             tokens     its access token, in the store
    menu       the custom menu from data/wechat/menu.yaml
"""

from assistant.wechat.build import AccountConfig, build_channels
from assistant.wechat.callback import Account, Callback
from assistant.wechat.channel import Channel

__all__ = ["Account", "AccountConfig", "Callback", "Channel", "build_channels"]
