"""The history records the login that wrote each entry; on PostgreSQL it can only be added to

Revision ID: 0010
Revises: 0009

Every history row gets ``login``: the account that wrote it, beside ``who`` (the analyst's
name, as the writer declares it). On a workspace file Dossier writes the OS user there.

On PostgreSQL Dossier writes ``session_user`` there (the role that logged in, whatever role
it has SET since), and the server makes sure of it: the trigger ``dossier_history_rows``
overwrites the login a row is inserted with by ``session_user``, unless the login may act as the
history table's owner (who could rewrite the table anyway): a copy made by the owner keeps the
logins of the rows it copies (none, for a row written before logins were recorded). The same trigger
refuses to UPDATE or DELETE a history row (and ``dossier_history_truncate`` to TRUNCATE the
table) unless the current role acts as the table's owner, and refuses even the owner an
UPDATE that changes who, when, the login, the action or the origin of a row. So an analyst
role given only INSERT on the history (docs/team.md) cannot change it, even if UPDATE were
granted by mistake.

Deleting a record erases its text from the history, which takes UPDATEs of history rows:
they go through ``dossier_erase``, a SECURITY DEFINER function run as the owner, which does
only that: it moves the rows of records that no longer exist under fresh random names
(``deleted-`` and 16 hex digits) without their text, and gives other rows new recorded
versions only when each new version is exactly its old one with what named those records taken
out (a list entry naming one dropped, a field naming one holding its new name), as
``dossier_scrubbed`` makes it from where each collection names others (``REFERENCES``); it
leaves who, when, the login and the action as they are.
"""

import json

from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The tables of the records whose history rows ``dossier_erase`` may erase (their collections).
RECORD_TABLES = ("parties", "people", "negotiations", "topics", "rounds", "positions", "sources", "events")

GUARD = """
CREATE FUNCTION dossier_history_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT pg_catalog.pg_has_role(session_user, (SELECT c.relowner
                FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
            NEW.login := session_user;
        END IF;
        RETURN NEW;
    END IF;
    IF NOT pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class c
            WHERE c.oid = TG_RELID), 'USAGE') THEN
        RAISE EXCEPTION 'permission denied: the history can only be added to (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.id, NEW.collection, NEW.action, NEW.at, NEW.who, NEW.login, NEW.origin)
            IS DISTINCT FROM (OLD.id, OLD.collection, OLD.action, OLD.at, OLD.who, OLD.login, OLD.origin) THEN
        RAISE EXCEPTION 'permission denied: who, when and what of a history entry cannot be changed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
"""

#: Where each collection's records (as interchange JSON) name other records: field -> {"ref":
#: collection, "nullable": …}, {"list": item} or {"obj": fields}; the rules of ``model.schema``
#: when this migration was written, which ``dossier_scrubbed`` follows as
#: ``services.history._without`` does.
REFERENCES = {
    "parties": {},
    "people": {"party": {"ref": "parties", "nullable": True}},
    "negotiations": {"parties": {"list": {"obj": {"party": {"ref": "parties", "nullable": False}}}}},
    "topics": {"negotiation": {"ref": "negotiations", "nullable": False}},
    "rounds": {
        "negotiation": {"ref": "negotiations", "nullable": False},
        "mediator": {"ref": "people", "nullable": True},
        "participants": {"list": {"obj": {"person": {"ref": "people", "nullable": False},
                                          "party": {"ref": "parties", "nullable": True}}}},
        "topics": {"list": {"ref": "topics", "nullable": False}},
        "sources": {"list": {"obj": {"source": {"ref": "sources", "nullable": False}}}},
    },
    "positions": {
        "negotiation": {"ref": "negotiations", "nullable": False},
        "party": {"ref": "parties", "nullable": False},
        "topic": {"ref": "topics", "nullable": False},
        "round": {"ref": "rounds", "nullable": True},
        "person": {"ref": "people", "nullable": True},
        "sources": {"list": {"obj": {"source": {"ref": "sources", "nullable": False}}}},
    },
    "sources": {"via": {"ref": "sources", "nullable": True}},
    "events": {
        "negotiation": {"ref": "negotiations", "nullable": False},
        "people": {"list": {"ref": "people", "nullable": False}},
        "sources": {"list": {"obj": {"source": {"ref": "sources", "nullable": False}}}},
    },
}

#: A recorded version without the deleted records it named (``names``: collection -> id -> new
#: name): a list entry naming one goes (SQL NULL is returned for an entry that goes), a field
#: naming one holds its new name; what ``spec`` (from REFERENCES) says refers to nothing is kept.
SCRUBBED = """
CREATE FUNCTION dossier_scrubbed(value jsonb, spec jsonb, names jsonb, top boolean) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    item jsonb;
    kept jsonb;
    key text;
    sub jsonb;
BEGIN
    IF value IS NULL THEN
        RETURN NULL;
    END IF;
    IF spec ? 'ref' THEN
        IF jsonb_typeof(value) = 'string' AND (names -> (spec ->> 'ref')) ? (value #>> '{}') THEN
            IF top OR (spec -> 'nullable')::boolean THEN
                RETURN names -> (spec ->> 'ref') -> (value #>> '{}');
            END IF;
            RETURN NULL;
        END IF;
        RETURN value;
    END IF;
    IF spec ? 'list' THEN
        IF jsonb_typeof(value) <> 'array' THEN
            RETURN value;
        END IF;
        kept := '[]';
        FOR item IN SELECT a.v FROM jsonb_array_elements(value) WITH ORDINALITY AS a(v, n) ORDER BY a.n LOOP
            sub := dossier_scrubbed(item, spec -> 'list', names, false);
            IF sub IS NOT NULL THEN
                kept := kept || jsonb_build_array(sub);
            END IF;
        END LOOP;
        RETURN kept;
    END IF;
    IF spec ? 'obj' THEN
        IF jsonb_typeof(value) <> 'object' THEN
            RETURN value;
        END IF;
        FOR key IN SELECT jsonb_object_keys(spec -> 'obj') LOOP
            IF value ? key THEN
                sub := dossier_scrubbed(value -> key, spec -> 'obj' -> key, names, top);
                IF sub IS NULL THEN
                    RETURN NULL;
                END IF;
                value := jsonb_set(value, ARRAY[key], sub);
            END IF;
        END LOOP;
    END IF;
    RETURN value;
END
$$
"""

ERASE = """
CREATE FUNCTION dossier_erase(gone jsonb, ids bigint[], befores text[], afters text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    collection text;
    found boolean;
    names jsonb;
    refs jsonb := '{references}';
    spec jsonb;
    r record;
BEGIN
    IF jsonb_typeof(gone) IS DISTINCT FROM 'array' OR EXISTS (
            SELECT FROM jsonb_array_elements(gone) e
            WHERE jsonb_typeof(e) <> 'array' OR jsonb_array_length(e) <> 3
               OR jsonb_typeof(e -> 1) <> 'string'
               OR NOT (e ->> 0 = ANY (ARRAY[{tables}]))
               OR NOT (e ->> 2 ~ '^deleted-[0-9a-f]{{16}}$')) THEN
        RAISE EXCEPTION 'dossier_erase: gone must list [collection, id, deleted-<16 hex digits>]'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (SELECT count(DISTINCT e ->> 2) FROM jsonb_array_elements(gone) e) <> jsonb_array_length(gone)
            OR EXISTS (SELECT FROM history h
                       WHERE h.uid IN (SELECT e ->> 2 FROM jsonb_array_elements(gone) e)) THEN
        RAISE EXCEPTION 'dossier_erase: a new name must be new' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR collection IN SELECT DISTINCT e ->> 0 FROM jsonb_array_elements(gone) e LOOP
        EXECUTE format('SELECT EXISTS (SELECT FROM %I t WHERE t.uid IN '
                       '(SELECT e ->> 1 FROM jsonb_array_elements($1) e WHERE e ->> 0 = $2))', collection)
            INTO found USING gone, collection;
        IF found THEN
            RAISE EXCEPTION 'permission denied: only a deleted record''s history can be erased'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    IF cardinality(ids) IS DISTINCT FROM cardinality(befores)
            OR cardinality(ids) IS DISTINCT FROM cardinality(afters) THEN
        RAISE EXCEPTION 'dossier_erase: ids, befores and afters differ in length'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT jsonb_object_agg(c, u) INTO names FROM (
        SELECT e ->> 0 AS c, jsonb_object_agg(e ->> 1, e ->> 2) AS u FROM jsonb_array_elements(gone) e
        GROUP BY 1) n;
    FOR r IN SELECT x.id, h.collection, h.before AS old_before, h.after AS old_after, x.b, x.a
             FROM unnest(ids, befores, afters) AS x(id, b, a) LEFT JOIN history h ON h.id = x.id LOOP
        spec := jsonb_build_object('obj', refs -> r.collection);
        IF r.collection IS NULL
                OR dossier_scrubbed(r.old_before::jsonb, spec, names, true) IS DISTINCT FROM r.b::jsonb
                OR dossier_scrubbed(r.old_after::jsonb, spec, names, true) IS DISTINCT FROM r.a::jsonb THEN
            RAISE EXCEPTION 'permission denied: a recorded version may only lose what named a deleted record'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        UPDATE history SET before = r.b, after = r.a WHERE id = r.id;
    END LOOP;
    UPDATE history h SET uid = e ->> 2, before = NULL, after = NULL
        FROM jsonb_array_elements(gone) e WHERE h.collection = e ->> 0 AND h.uid = e ->> 1;
END
$$
"""

TRIGGERS = (
    ("CREATE TRIGGER dossier_history_rows BEFORE INSERT OR UPDATE OR DELETE ON history "
     "FOR EACH ROW EXECUTE FUNCTION dossier_history_guard()"),
    ("CREATE TRIGGER dossier_history_truncate BEFORE TRUNCATE ON history "
     "FOR EACH STATEMENT EXECUTE FUNCTION dossier_history_guard()"),
)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def upgrade() -> None:
    op.add_column("history", sa.Column("login", sa.Text(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    tables = ", ".join(f"'{t}'" for t in RECORD_TABLES)
    references = json.dumps(REFERENCES).replace("'", "''")
    erase = ERASE.format(schema=_quoted(schema), tables=tables, references=references)
    for statement in (GUARD, SCRUBBED, erase, *TRIGGERS):
        bind.execute(sa.text(statement))
    # who may erase is for the administrator to grant (docs/team.md), not every login
    bind.execute(sa.text("REVOKE ALL ON FUNCTION dossier_erase(jsonb, bigint[], text[], text[]) FROM PUBLIC"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("DROP TRIGGER dossier_history_truncate ON history"))
        bind.execute(sa.text("DROP TRIGGER dossier_history_rows ON history"))
        bind.execute(sa.text("DROP FUNCTION dossier_erase(jsonb, bigint[], text[], text[])"))
        bind.execute(sa.text("DROP FUNCTION dossier_scrubbed(jsonb, jsonb, jsonb, boolean)"))
        bind.execute(sa.text("DROP FUNCTION dossier_history_guard()"))
    with op.batch_alter_table("history") as batch:
        batch.drop_column("login")
