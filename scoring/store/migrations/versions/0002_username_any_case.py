"""用户名不区分大小写唯一（数据库唯一索引）

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

User names are unique in any letter case, but until now only a check before the insert kept them
so: two admins creating `Zhang` and `zhang` at the same moment both passed it. A unique
index on `lower(username)` makes the database refuse the second (SQLite and PostgreSQL both index
expressions). A store that already holds two such names is refused with their names, unchanged:
which account to keep is the zone's decision, taken in the database (the check has refused such
names for long, so only an old or hand-edited store holds them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from scoring.errors import StoreError

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEX = "ux_user_username_lower"


def upgrade() -> None:
    clashes = op.get_bind().execute(sa.text(
        'SELECT lower(username), count(*) FROM "user" GROUP BY lower(username) HAVING count(*) > 1 '
        "ORDER BY lower(username)"
    )).all()
    if clashes:
        names = "、".join(f"{name}（{count} 个）" for name, count in clashes[:10])
        more = f"等 {len(clashes)} 组" if len(clashes) > 10 else ""
        raise StoreError(
            f"无法升级到 {revision}：以下用户名只差大小写：{names}{more}；请先在数据库中把其中一个改名"
            f"（UPDATE \"user\" SET username = '新名' WHERE username = '原名'）再升级（数据库未作任何改动）"
        )
    # if_not_exists: a store made by `create_all` at these models and adopted has it already.
    op.create_index(INDEX, "user", [sa.text("lower(username)")], unique=True, if_not_exists=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="user")
