"""Commenters' rights: export/erasure requests, the privacy log (erased-author tags), the key rotation cursor

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'privacy_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.String(64), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('expires_at', TS, nullable=False),
        sa.Column('used_at', TS, nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_privacy_requests'),
    )
    op.create_index('ix_privacy_requests_created', 'privacy_requests', ['created_at'])
    op.create_index('ix_privacy_requests_author', 'privacy_requests', ['author_id'])
    op.create_table(
        'privacy_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.String(64), nullable=False),
        sa.Column('action', sa.String(16), nullable=False),
        sa.Column('tag', sa.String(64), nullable=True),
        sa.Column('mode', sa.String(16), nullable=False),
        sa.Column('actor', sa.String(100), nullable=False),
        sa.Column('moderator_id', sa.Integer(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['moderator_id'], ['moderators.id'], name='fk_privacy_log_moderator_id_moderators'),
        sa.PrimaryKeyConstraint('id', name='pk_privacy_log'),
    )
    op.create_index('ix_privacy_log_site_tag', 'privacy_log', ['site_id', 'tag'])
    op.create_table(
        'key_rotations',
        sa.Column('name', sa.String(32), nullable=False),
        sa.Column('target', sa.String(200), nullable=False),
        sa.Column('cursor', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('started_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.Column('finished_at', TS, nullable=True),
        sa.PrimaryKeyConstraint('name', name='pk_key_rotations'),
    )


def downgrade() -> None:
    op.drop_table('key_rotations')
    op.drop_index('ix_privacy_log_site_tag', table_name='privacy_log')
    op.drop_table('privacy_log')
    op.drop_index('ix_privacy_requests_author', table_name='privacy_requests')
    op.drop_index('ix_privacy_requests_created', table_name='privacy_requests')
    op.drop_table('privacy_requests')
