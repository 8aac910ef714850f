"""基线：引入迁移之前（提交 48db335）的全部数据表

Baseline: the schema as it stood before migrations (commit 48db335), every table included.

The tables are written out here, not taken from the models: the models will move on, and this
revision must keep creating what stores made by `create_all` at that commit hold. Upgrading a
store made before migrations runs it too: it creates only the tables such a store lacks (those
were created on first use: the service's, WeChat's), after `scoring.store.migrate` has checked
that the tables it has equal these.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def baseline_metadata() -> sa.MetaData:
    """The 25 tables of the baseline (scoring.store's, accounts, audit, chat, WeChat, portraits)."""
    meta = sa.MetaData()
    sa.Table(
        "auditevent", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("client", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Index("ix_audit_at", "at"),
    )
    sa.Table(
        "batch", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("file", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(), nullable=True, index=True),
        sa.Column("sheets", sa.JSON(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_imported", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True),
    )
    sa.Table(
        "chat_session", meta,
        sa.Column("id", sa.String(length=64), primary_key=True, nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Index("ix_chat_session_seen_at", "seen_at"),
    )
    sa.Table(
        "chat_turn", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("caller", sa.String(length=200), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("reply", sa.String(), nullable=False),
        sa.Index("ix_chat_turn_caller_at", "caller", "at"),
    )
    sa.Table(
        "enterprise", meta,
        sa.Column("uscc", sa.String(length=18), primary_key=True, nullable=False),
        sa.Column("name", sa.String(), nullable=False, index=True),
        sa.Column("short_name", sa.String(), nullable=True),
        sa.Column("former_names", sa.JSON(), nullable=True),
        sa.Column("english_name", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("legal_representative", sa.String(), nullable=True),
        sa.Column("industry", sa.String(), nullable=True, index=True),
        sa.Column("industry_code", sa.String(), nullable=True),
        sa.Column("products", sa.String(), nullable=True),
        sa.Column("business_scope", sa.String(), nullable=True),
        sa.Column("founding_date", sa.Date(), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=True),
        sa.Column("stock_codes", sa.JSON(), nullable=True),
        sa.Column("stock_names", sa.JSON(), nullable=True),
    )
    sa.Table(
        "loginfailure", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("username", sa.String(), nullable=False, index=True),
        sa.Column("client", sa.String(), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_loginfailure_at", "at"),
    )
    sa.Table(
        "portrait_cache_2", meta,
        sa.Column("signature", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("run_id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("uscc", sa.String(length=18), primary_key=True, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    sa.Table(
        "systemversion", meta,
        sa.Column("version", sa.String(), primary_key=True, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("content", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "user", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False, index=True, unique=True),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "wechat_access_token", meta,
        sa.Column("account", sa.String(length=160), primary_key=True, nullable=False),
        sa.Column("token", sa.String(length=1024), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    )
    sa.Table(
        "wechat_bind_attempt", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("account", sa.String(length=160), nullable=False),
        sa.Column("openid", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_wechat_bind_attempt_who", "account", "openid", "at"),
    )
    sa.Table(
        "wechat_delivery", meta,
        sa.Column("key", sa.String(length=400), primary_key=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply", sa.String(), nullable=True),
        sa.Index("ix_wechat_delivery_at", "at"),
    )
    sa.Table(
        "wechat_follower", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("account", sa.String(length=160), nullable=False),
        sa.Column("openid", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("account", "openid"),
    )
    sa.Table(
        "apikey", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False, index=True),
        sa.Column("prefix", sa.String(length=16), nullable=False, index=True),
        sa.Column("key_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
    )
    sa.Table(
        "conflict", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("uscc", sa.String(), nullable=False, index=True),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("value_a", sa.String(), nullable=False),
        sa.Column("source_a", sa.String(), nullable=False),
        sa.Column("batch_a", sa.Integer(), sa.ForeignKey("batch.id"), nullable=False),
        sa.Column("value_b", sa.String(), nullable=False),
        sa.Column("source_b", sa.String(), nullable=False),
        sa.Column("batch_b", sa.Integer(), sa.ForeignKey("batch.id"), nullable=False),
        sa.Column("status", sa.String(), nullable=False, index=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    )
    sa.Table(
        "rawvalue", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("uscc", sa.String(), sa.ForeignKey("enterprise.uscc"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("batch.id"), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("file", sa.String(), nullable=True),
        sa.Column("sheet", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True, server_default=sa.func.now()),
        sa.Index("ix_rawvalue_batch_id", "batch_id"),
    )
    sa.Table(
        "scorerun", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("system_version", sa.String(), sa.ForeignKey("systemversion.version"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("input_batches", sa.JSON(), nullable=True),
        sa.Column("n_enterprises", sa.Integer(), nullable=False),
    )
    sa.Table(
        "user_enterprise", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False, index=True),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.UniqueConstraint("user_id", "uscc"),
    )
    sa.Table(
        "wechat_binding", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("account", sa.String(length=160), nullable=False),
        sa.Column("openid", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("account", "openid"),
    )
    sa.Table(
        "wechat_binding_code", meta,
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Index("ix_wechat_binding_code_code", "code"),
    )
    sa.Table(
        "cohortstat", meta,
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("scorerun.id"), primary_key=True, nullable=False),
        sa.Column("indicator", sa.String(), primary_key=True, nullable=False),
        sa.Column("stage", sa.String(), primary_key=True, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("n_missing", sa.Integer(), nullable=False),
        sa.Column("min", sa.Float(), nullable=True),
        sa.Column("p25", sa.Float(), nullable=True),
        sa.Column("p50", sa.Float(), nullable=True),
        sa.Column("p75", sa.Float(), nullable=True),
        sa.Column("max", sa.Float(), nullable=True),
        sa.Column("mean", sa.Float(), nullable=True),
    )
    sa.Table(
        "enterpriseadvice", meta,
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("scorerun.id"), primary_key=True, nullable=False),
        sa.Column("uscc", sa.String(length=18), primary_key=True, nullable=False),
        sa.Column("position", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("indicator", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("current", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("points_now", sa.Float(), nullable=False),
        sa.Column("points_then", sa.Float(), nullable=False),
        sa.Column("gain", sa.Float(), nullable=False),
    )
    sa.Table(
        "enterprisescore", meta,
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("scorerun.id"), primary_key=True, nullable=False),
        sa.Column("uscc", sa.String(), primary_key=True, nullable=False, index=True),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("stage_reason", sa.String(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("percentile", sa.Float(), nullable=False),
        sa.Column("category_points", sa.JSON(), nullable=True),
        sa.Column("verdicts", sa.JSON(), nullable=True),
    )
    sa.Table(
        "indicatorscore", meta,
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("scorerun.id"), primary_key=True, nullable=False),
        sa.Column("uscc", sa.String(), primary_key=True, nullable=False),
        sa.Column("indicator", sa.String(), primary_key=True, nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("normalized", sa.Float(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("missing", sa.Boolean(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=True),
    )
    sa.Table(
        "runmatrix", meta,
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("scorerun.id"), primary_key=True, nullable=False),
        sa.Column("usccs", sa.JSON(), nullable=True),
        sa.Column("codes", sa.JSON(), nullable=True),
        sa.Column("values", sa.LargeBinary(), nullable=True),
        sa.Column("points", sa.LargeBinary(), nullable=True),
        sa.Column("stage", sa.LargeBinary(), nullable=True),
    )
    return meta


def upgrade() -> None:
    baseline_metadata().create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    baseline_metadata().drop_all(op.get_bind())
