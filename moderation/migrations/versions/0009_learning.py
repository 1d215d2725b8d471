"""Learning from the site's moderators: model registry (versions with their artifact, activations,
training runs) and the import's map from an export's comment ids to ours

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'model_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(100), nullable=False),
        sa.Column('site_id', sa.String(64), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.Column('created_by', sa.String(100), nullable=False),
        sa.Column('artifact', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('thresholds', sa.JSON(), nullable=False),
        sa.Column('info', sa.JSON(), nullable=False),
        sa.Column('evaluation', sa.JSON(), nullable=False),
        sa.Column('labels_through', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_model_versions'),
        sa.UniqueConstraint('version', name='uq_model_versions_version'),
    )
    op.create_table(
        'model_activations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(64), nullable=False),
        sa.Column('model_version_id', sa.Integer(), nullable=True),
        sa.Column('previous_version_id', sa.Integer(), nullable=True),
        sa.Column('activated_at', TS, nullable=False),
        sa.Column('activated_by', sa.String(100), nullable=False),
        sa.Column('note', sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(['model_version_id'], ['model_versions.id'],
                                name='fk_model_activations_model_version_id_model_versions'),
        sa.ForeignKeyConstraint(['previous_version_id'], ['model_versions.id'],
                                name='fk_model_activations_previous_version_id_model_versions'),
        sa.PrimaryKeyConstraint('id', name='pk_model_activations'),
    )
    op.create_index('ix_model_activations_scope', 'model_activations', ['scope', 'id'])
    op.create_table(
        'training_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.String(64), nullable=False),
        sa.Column('trigger', sa.String(16), nullable=False),
        sa.Column('started_at', TS, nullable=False),
        sa.Column('finished_at', TS, nullable=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=True),
        sa.Column('active_version', sa.String(100), nullable=False),
        sa.Column('labels_total', sa.Integer(), nullable=False),
        sa.Column('labels_new', sa.Integer(), nullable=False),
        sa.Column('labels_through', sa.Integer(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('gate', sa.String(500), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['model_versions.id'], name='fk_training_runs_candidate_id_model_versions'),
        sa.PrimaryKeyConstraint('id', name='pk_training_runs'),
    )
    op.create_index('ix_training_runs_site_started', 'training_runs', ['site_id', 'started_at'])
    op.create_table(
        'imported_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.String(64), nullable=False),
        sa.Column('source', sa.String(16), nullable=False),
        sa.Column('source_id', sa.String(100), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('created_at', TS, nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name='fk_imported_comments_comment_id_comments'),
        sa.PrimaryKeyConstraint('id', name='pk_imported_comments'),
        sa.UniqueConstraint('site_id', 'source', 'source_id', name='uq_imported_comments_source'),
    )
    # Continuous learning counts a site's labels after the last one a version was trained with.
    op.create_index('ix_labels_site_id', 'labels', ['site_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_labels_site_id', table_name='labels')
    for table in ('imported_comments', 'training_runs', 'model_activations', 'model_versions'):
        op.drop_table(table)
