"""The reads every surface shares (routes, CLI, chat, WeChat), each taking the caller.

Framework-free: each function takes the `Principal` and applies the privacy rule itself, so no
surface can forget it.
"""
