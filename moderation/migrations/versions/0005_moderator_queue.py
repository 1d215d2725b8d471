"""Moderator queue: roles and lockout on moderators, sessions, API tokens, labels, bans, reader
reports, audit kinds, and the comment's queue priority, version and report count

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
SCORE_NAMES = ("toxicity", "identity_hate", "spam", "gambling_promo")


def _backfill_priority() -> None:
    """Existing decided comments get their highest score as priority (in batches, any backend)."""
    conn = op.get_bind()
    decisions = sa.table("decisions", sa.column("comment_id", sa.Integer), sa.column("scores", sa.JSON))
    comments = sa.table("comments", sa.column("id", sa.Integer), sa.column("priority", sa.Float))
    rows = conn.execute(sa.select(decisions.c.comment_id, decisions.c.scores)).fetchall()
    updates = []
    for comment_id, scores in rows:
        if isinstance(scores, str):
            scores = json.loads(scores)
        values = [float(v) for k, v in (scores or {}).items() if k in SCORE_NAMES and isinstance(v, (int, float))]
        if values:
            updates.append({"cid": comment_id, "p": max(values)})
    if updates:
        conn.execute(comments.update().where(comments.c.id == sa.bindparam("cid")).values(priority=sa.bindparam("p")),
                     updates)


def upgrade() -> None:
    with op.batch_alter_table('moderators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(16), nullable=False, server_default='moderator'))
        batch_op.add_column(sa.Column('sites', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('locale', sa.String(8), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', TS, nullable=True))
        batch_op.add_column(sa.Column('last_login_at', TS, nullable=True))
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('banned_until', TS, nullable=True))
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Float(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('report_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_comments_queue', ['status', sa.text('priority DESC'), 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_comments_reported', ['report_count'], unique=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action', sa.String(32), nullable=False, server_default='status'))
        batch_op.add_column(sa.Column('moderator_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.create_foreign_key('fk_audit_log_moderator_id_moderators', 'moderators', ['moderator_id'], ['id'])
        batch_op.create_index('ix_audit_log_moderator_created', ['moderator_id', 'created_at'], unique=False)

    op.create_table(
        'moderator_sessions',
        sa.Column('id_hash', sa.String(64), nullable=False),
        sa.Column('moderator_id', sa.Integer(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('last_seen_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['moderator_id'], ['moderators.id'], name='fk_moderator_sessions_moderator_id_moderators'),
        sa.PrimaryKeyConstraint('id_hash', name='pk_moderator_sessions'),
    )
    op.create_index('ix_moderator_sessions_moderator_id', 'moderator_sessions', ['moderator_id'])
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(100), nullable=False),
        sa.Column('token_hash', sa.String(64), nullable=False),
        sa.Column('prefix', sa.String(16), nullable=False),
        sa.Column('role', sa.String(16), nullable=False),
        sa.Column('sites', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('last_used_at', TS, nullable=True),
        sa.Column('revoked_at', TS, nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['moderators.id'], name='fk_api_tokens_created_by_moderators'),
        sa.PrimaryKeyConstraint('id', name='pk_api_tokens'),
        sa.UniqueConstraint('token_hash', name='uq_api_tokens_token_hash'),
    )
    op.create_table(
        'labels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.String(64), nullable=False),
        sa.Column('source', sa.String(16), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('toxicity', sa.Integer(), nullable=True),
        sa.Column('identity_hate', sa.Integer(), nullable=True),
        sa.Column('spam', sa.Integer(), nullable=True),
        sa.Column('gambling_promo', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(500), nullable=False),
        sa.Column('moderator_id', sa.Integer(), nullable=True),
        sa.Column('model_version', sa.String(100), nullable=False),
        sa.Column('scores', sa.JSON(), nullable=False),
        sa.Column('current', sa.Boolean(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name='fk_labels_comment_id_comments'),
        sa.ForeignKeyConstraint(['moderator_id'], ['moderators.id'], name='fk_labels_moderator_id_moderators'),
        sa.PrimaryKeyConstraint('id', name='pk_labels'),
    )
    op.create_index('ix_labels_comment_current', 'labels', ['comment_id', 'current'])
    op.create_index('ix_labels_site_created', 'labels', ['site_id', 'created_at'])
    op.create_table(
        'bans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.String(64), nullable=False),
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('ip_range', sa.String(64), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(500), nullable=False),
        sa.Column('moderator_id', sa.Integer(), nullable=True),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('until', TS, nullable=True),
        sa.Column('lifted_at', TS, nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name='fk_bans_author_id_authors'),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name='fk_bans_comment_id_comments'),
        sa.ForeignKeyConstraint(['moderator_id'], ['moderators.id'], name='fk_bans_moderator_id_moderators'),
        sa.PrimaryKeyConstraint('id', name='pk_bans'),
    )
    op.create_index('ix_bans_site_kind', 'bans', ['site_id', 'kind', 'lifted_at'])
    op.create_table(
        'reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(32), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('reader_key', sa.String(64), nullable=False),
        sa.Column('ip_key', sa.String(64), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('resolved_at', TS, nullable=True),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name='fk_reports_comment_id_comments'),
        sa.PrimaryKeyConstraint('id', name='pk_reports'),
        sa.UniqueConstraint('comment_id', 'reader_key', name='uq_reports_comment_reader'),
        sa.UniqueConstraint('comment_id', 'ip_key', name='uq_reports_comment_ip'),
    )
    op.create_index('ix_reports_comment_id', 'reports', ['comment_id'])
    _backfill_priority()


def downgrade() -> None:
    for table in ('reports', 'bans', 'labels', 'api_tokens', 'moderator_sessions'):
        op.drop_table(table)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_moderator_created')
        batch_op.drop_constraint('fk_audit_log_moderator_id_moderators', type_='foreignkey')
        batch_op.drop_column('details')
        batch_op.drop_column('moderator_id')
        batch_op.drop_column('action')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_reported')
        batch_op.drop_index('ix_comments_queue')
        for column in ('report_count', 'version', 'priority'):
            batch_op.drop_column(column)
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.drop_column('banned_until')
    with op.batch_alter_table('moderators', schema=None) as batch_op:
        for column in ('last_login_at', 'locked_until', 'failed_logins', 'locale', 'sites', 'role'):
            batch_op.drop_column(column)
