"""keyed body hash for the duplicate check; author/time index for the flood check

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

`comments.body_hmac` is an HMAC of the body under a key derived from the blind-index key, which
this migration does not know: existing rows keep NULL and the duplicate check falls back to
comparing the body for those rows only (moderation.services.comments._check_flood).
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_hmac', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_comments_thread_body', ['thread_id', 'body_hmac'], unique=False)
        batch_op.create_index('ix_comments_author_created', ['author_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_author_created')
        batch_op.drop_index('ix_comments_thread_body')
        batch_op.drop_column('body_hmac')
