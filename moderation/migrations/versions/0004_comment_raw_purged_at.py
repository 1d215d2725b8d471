"""comments.raw_purged_at: when the retention purge cleared the IP prefix and personal signals

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raw_purged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_comments_raw_purged_created', ['raw_purged_at', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_raw_purged_created')
        batch_op.drop_column('raw_purged_at')
