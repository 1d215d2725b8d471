"""index outbox rows by comment: the decision transaction closes a comment's open rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_comment_id', ['comment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_comment_id')
