"""webhooks: endpoints, messages, deliveries, attempt log; author notification flags

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0007'  # 0004 in the brief; chained after main's 0007 so this branch has one head
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'webhook_endpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.String(length=64), nullable=False),
        sa.Column('url', sa.String(length=2048), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('event_types', sa.JSON(), nullable=False),
        sa.Column('secret_enc', sa.LargeBinary(), nullable=False),
        sa.Column('secret_fp', sa.String(length=64), nullable=False),
        sa.Column('previous_secret_enc', sa.LargeBinary(), nullable=True),
        sa.Column('previous_secret_fp', sa.String(length=64), nullable=True),
        sa.Column('previous_secret_until', TS, nullable=True),
        sa.Column('author_contact', sa.Boolean(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('disabled_reason', sa.String(length=500), nullable=False),
        sa.Column('disabled_at', TS, nullable=True),
        sa.Column('failing_since', TS, nullable=True),
        sa.Column('last_success_at', TS, nullable=True),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name='fk_webhook_endpoints_site_id_sites'),
        sa.PrimaryKeyConstraint('id', name='pk_webhook_endpoints'),
        sa.UniqueConstraint('secret_fp', name='uq_webhook_endpoints_secret_fp'),
    )
    op.create_index('ix_webhook_endpoints_site_id', 'webhook_endpoints', ['site_id'])
    op.create_table(
        'webhook_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('msg_id', sa.String(length=40), nullable=False),
        sa.Column('site_id', sa.String(length=64), nullable=False),
        sa.Column('event_type', sa.String(length=40), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=True),
        sa.Column('related_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_webhook_messages'),
        sa.UniqueConstraint('msg_id', name='uq_webhook_messages_msg_id'),
    )
    op.create_index('ix_webhook_messages_comment', 'webhook_messages', ['comment_id', 'event_type'])
    op.create_index('ix_webhook_messages_related', 'webhook_messages', ['event_type', 'related_id'])
    op.create_index('ix_webhook_messages_created', 'webhook_messages', ['created_at'])
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=True),
        sa.Column('recipient_author_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('total_attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', TS, nullable=False),
        sa.Column('queued_until', TS, nullable=True),
        sa.Column('lease_until', TS, nullable=True),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.Column('delivered_at', TS, nullable=True),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('updated_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['webhook_messages.id'], ondelete='CASCADE',
                                name='fk_webhook_deliveries_message_id_webhook_messages'),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], ondelete='CASCADE',
                                name='fk_webhook_deliveries_endpoint_id_webhook_endpoints'),
        sa.ForeignKeyConstraint(['recipient_author_id'], ['authors.id'],
                                name='fk_webhook_deliveries_recipient_author_id_authors'),
        sa.PrimaryKeyConstraint('id', name='pk_webhook_deliveries'),
    )
    op.create_index('ix_webhook_deliveries_due', 'webhook_deliveries', ['status', 'next_attempt_at'])
    op.create_index('ix_webhook_deliveries_endpoint', 'webhook_deliveries', ['endpoint_id', 'status'])
    op.create_index('ix_webhook_deliveries_message', 'webhook_deliveries', ['message_id'])
    op.create_table(
        'webhook_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('started_at', TS, nullable=False),
        sa.Column('finished_at', TS, nullable=True),
        sa.Column('response_status', sa.Integer(), nullable=True),
        sa.Column('response_body', sa.Text(), nullable=False),
        sa.Column('duration_ms', sa.Integer(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['delivery_id'], ['webhook_deliveries.id'], ondelete='CASCADE',
                                name='fk_webhook_attempts_delivery_id_webhook_deliveries'),
        sa.PrimaryKeyConstraint('id', name='pk_webhook_attempts'),
    )
    op.create_index('ix_webhook_attempts_delivery', 'webhook_attempts', ['delivery_id', 'attempt'])
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_replies', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_off_at', TS, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.drop_column('notify_off_at')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('notify_replies')
    op.drop_table('webhook_attempts')
    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_messages')
    op.drop_table('webhook_endpoints')
