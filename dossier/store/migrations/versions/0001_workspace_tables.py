"""Workspace tables

Revision ID: 0001
Revises: (none)
"""

from alembic import op
import sqlalchemy as sa

from dossier.store import checks


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('negotiations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started', sa.String(length=10), nullable=True),
    sa.Column('ended', sa.String(length=10), nullable=True),
    sa.CheckConstraint(checks.partial_date('ended'), name=op.f('ck_negotiations_ended')),
    sa.CheckConstraint(checks.valid_uid(), name=op.f('ck_negotiations_uid')),
    sa.CheckConstraint(checks.partial_date('started'), name=op.f('ck_negotiations_started')),
    sa.CheckConstraint("status IN ('active', 'suspended', 'concluded', 'collapsed')", name=op.f('ck_negotiations_status')),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_negotiations_title')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_negotiations')),
    sa.UniqueConstraint('uid', name=op.f('uq_negotiations_uid'))
    )
    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint(checks.country_code(), name=op.f('ck_parties_country')),
    sa.CheckConstraint("kind IN ('state', 'organization', 'armed_group', 'other')", name=op.f('ck_parties_kind')),
    sa.CheckConstraint(checks.valid_uid(), name=op.f('ck_parties_uid')),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_parties_name')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('uid', name=op.f('uq_parties_uid'))
    )
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.create_index('ix_parties_name', ['name'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('publisher', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('reliability', sa.String(length=1), nullable=False),
    sa.Column('via_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint(checks.valid_uid(), name=op.f('ck_sources_uid')),
    sa.CheckConstraint(checks.partial_date('published'), name=op.f('ck_sources_published')),
    sa.CheckConstraint("reliability IN ('A', 'B', 'C', 'D', 'E', 'F')", name=op.f('ck_sources_reliability')),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_sources_title')),
    sa.CheckConstraint('via_id IS NULL OR via_id <> id', name=op.f('ck_sources_via_self')),
    sa.ForeignKeyConstraint(['via_id'], ['sources.id'], name=op.f('fk_sources_via_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('uid', name=op.f('uq_sources_uid'))
    )
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sources_via_id'), ['via_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('negotiation_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.CheckConstraint(checks.partial_date('date', nullable=False), name=op.f('ck_events_date')),
    sa.CheckConstraint(checks.valid_uid(), name=op.f('ck_events_uid')),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_events_title')),
    sa.ForeignKeyConstraint(['negotiation_id'], ['negotiations.id'], name=op.f('fk_events_negotiation_id_negotiations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('uid', name=op.f('uq_events_uid'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_negotiation_date', ['negotiation_id', 'date'], unique=False)

    op.create_table('negotiation_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('negotiation_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('party', 'mediator', 'observer', 'host')", name=op.f('ck_negotiation_parties_role')),
    sa.ForeignKeyConstraint(['negotiation_id'], ['negotiations.id'], name=op.f('fk_negotiation_parties_negotiation_id_negotiations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_negotiation_parties_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_negotiation_parties')),
    sa.UniqueConstraint('negotiation_id', 'ordinal', name='uq_negotiation_parties_negotiation_ordinal'),
    sa.UniqueConstraint('negotiation_id', 'party_id', name='uq_negotiation_parties_negotiation_party')
    )
    with op.batch_alter_table('negotiation_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_negotiation_parties_party_id'), ['party_id'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('native_name', sa.Text(), nullable=True),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('bio', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint(checks.valid_uid(), name=op.f('ck_people_uid')),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_people_name')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_people_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('uid', name=op.f('uq_people_uid'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index('ix_people_name', ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_party_id'), ['party_id'], unique=False)

    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('negotiation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('category', sa.Text(), nullable=True),
    sa.CheckConstraint(checks.valid_uid(), name=op.f('ck_topics_uid')),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_topics_title')),
    sa.ForeignKeyConstraint(['negotiation_id'], ['negotiations.id'], name=op.f('fk_topics_negotiation_id_negotiations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('uid', name=op.f('uq_topics_uid'))
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topics_negotiation_id'), ['negotiation_id'], unique=False)

    op.create_table('event_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_people_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_event_people_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_people')),
    sa.UniqueConstraint('event_id', 'ordinal', name='uq_event_people_event_ordinal')
    )
    with op.batch_alter_table('event_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_people_person_id'), ['person_id'], unique=False)

    op.create_table('person_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('alias', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_aliases_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_aliases')),
    sa.UniqueConstraint('person_id', 'ordinal', name='uq_person_aliases_person_ordinal')
    )
    op.create_table('person_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('organization', sa.Text(), nullable=True),
    sa.Column('start', sa.String(length=10), nullable=True),
    sa.Column('end', sa.String(length=10), nullable=True),
    sa.CheckConstraint(checks.partial_date('start'), name=op.f('ck_person_roles_start')),
    sa.CheckConstraint(checks.partial_date('end'), name=op.f('ck_person_roles_end')),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_person_roles_title')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_roles_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_roles')),
    sa.UniqueConstraint('person_id', 'ordinal', name='uq_person_roles_person_ordinal')
    )
    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('negotiation_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.BigInteger(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('start', sa.String(length=10), nullable=True),
    sa.Column('end', sa.String(length=10), nullable=True),
    sa.Column('venue', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('mediator_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.CheckConstraint(checks.valid_uid(), name=op.f('ck_rounds_uid')),
    sa.CheckConstraint(checks.partial_date('start'), name=op.f('ck_rounds_start')),
    sa.CheckConstraint("status IN ('planned', 'held', 'postponed', 'cancelled')", name=op.f('ck_rounds_status')),
    sa.CheckConstraint(checks.partial_date('end'), name=op.f('ck_rounds_end')),
    sa.CheckConstraint('number IS NULL OR number >= 1', name=op.f('ck_rounds_number')),
    sa.ForeignKeyConstraint(['mediator_id'], ['people.id'], name=op.f('fk_rounds_mediator_id_people')),
    sa.ForeignKeyConstraint(['negotiation_id'], ['negotiations.id'], name=op.f('fk_rounds_negotiation_id_negotiations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds')),
    sa.UniqueConstraint('negotiation_id', 'number', name='uq_rounds_negotiation_number'),
    sa.UniqueConstraint('uid', name=op.f('uq_rounds_uid'))
    )
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rounds_mediator_id'), ['mediator_id'], unique=False)
        batch_op.create_index('ix_rounds_negotiation_start', ['negotiation_id', 'start'], unique=False)

    op.create_table('positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('negotiation_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.CheckConstraint(checks.partial_date('date'), name=op.f('ck_positions_date')),
    sa.CheckConstraint("kind IN ('demand', 'offer', 'red_line', 'concession', 'assurance', 'statement')", name=op.f('ck_positions_kind')),
    sa.CheckConstraint(checks.valid_uid(), name=op.f('ck_positions_uid')),
    sa.CheckConstraint('length(trim(summary)) > 0', name=op.f('ck_positions_summary')),
    sa.ForeignKeyConstraint(['negotiation_id'], ['negotiations.id'], name=op.f('fk_positions_negotiation_id_negotiations')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_positions_party_id_parties')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_positions_person_id_people')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_positions_round_id_rounds')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_positions_topic_id_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positions')),
    sa.UniqueConstraint('uid', name=op.f('uq_positions_uid'))
    )
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.create_index('ix_positions_negotiation_date', ['negotiation_id', 'date'], unique=False)
        batch_op.create_index('ix_positions_negotiation_topic_party', ['negotiation_id', 'topic_id', 'party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_topic_id'), ['topic_id'], unique=False)

    op.create_table('round_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_round_participants_party_id_parties')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_round_participants_person_id_people')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_participants_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_participants')),
    sa.UniqueConstraint('round_id', 'ordinal', name='uq_round_participants_round_ordinal')
    )
    with op.batch_alter_table('round_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_participants_party_id'), ['party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_participants_person_id'), ['person_id'], unique=False)

    op.create_table('round_topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_topics_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_round_topics_topic_id_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_topics')),
    sa.UniqueConstraint('round_id', 'ordinal', name='uq_round_topics_round_ordinal')
    )
    with op.batch_alter_table('round_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_topics_topic_id'), ['topic_id'], unique=False)

    op.create_table('citations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('credibility', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.CheckConstraint(checks.exactly_one_set('round_id', 'position_id', 'event_id'), name=op.f('ck_citations_owner')),
    sa.CheckConstraint('credibility BETWEEN 1 AND 6', name=op.f('ck_citations_credibility')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_citations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_citations_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_citations_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_citations_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citations'))
    )
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citations_position_id'), ['position_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citations_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citations_source_id'), ['source_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citations_source_id'))
        batch_op.drop_index(batch_op.f('ix_citations_round_id'))
        batch_op.drop_index(batch_op.f('ix_citations_position_id'))
        batch_op.drop_index(batch_op.f('ix_citations_event_id'))

    op.drop_table('citations')
    with op.batch_alter_table('round_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_topics_topic_id'))

    op.drop_table('round_topics')
    with op.batch_alter_table('round_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_participants_person_id'))
        batch_op.drop_index(batch_op.f('ix_round_participants_party_id'))

    op.drop_table('round_participants')
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_positions_topic_id'))
        batch_op.drop_index(batch_op.f('ix_positions_round_id'))
        batch_op.drop_index(batch_op.f('ix_positions_person_id'))
        batch_op.drop_index(batch_op.f('ix_positions_party_id'))
        batch_op.drop_index('ix_positions_negotiation_topic_party')
        batch_op.drop_index('ix_positions_negotiation_date')

    op.drop_table('positions')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_index('ix_rounds_negotiation_start')
        batch_op.drop_index(batch_op.f('ix_rounds_mediator_id'))

    op.drop_table('rounds')
    op.drop_table('person_roles')
    op.drop_table('person_aliases')
    with op.batch_alter_table('event_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_people_person_id'))

    op.drop_table('event_people')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topics_negotiation_id'))

    op.drop_table('topics')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_party_id'))
        batch_op.drop_index('ix_people_name')

    op.drop_table('people')
    with op.batch_alter_table('negotiation_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_negotiation_parties_party_id'))

    op.drop_table('negotiation_parties')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_negotiation_date')

    op.drop_table('events')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sources_via_id'))

    op.drop_table('sources')
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index('ix_parties_name')

    op.drop_table('parties')
    op.drop_table('negotiations')
