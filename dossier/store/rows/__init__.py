"""Reading and writing records: the one place that turns rows into dataclasses and back.

A record is one row of its main table plus rows in child tables for its lists. Both
directions work on batches, so importing 100,000 positions and saving one edited person
run the same code: references are resolved between external ids (``uid``) and integer
keys with set-based queries, lists are replaced as a whole.

- ``mapping``: which table and columns hold each collection (``SPECS``);
- ``keys``: external ids and integer keys, versions, source numbers;
- ``read``: records as dataclasses, and the questions asked of them;
- ``write``: inserting and replacing records (``write_records``; SQLite's bulk path is
  ``dossier.store.sqlite.bulk``);
- ``delete``: what refers to a record, and deleting with or without a cascade.

Callers import this package (``from dossier.store import rows as store``), never its modules.
"""

from dossier.store.rows.delete import (
    REFERRERS,
    DeleteOutcome,
    Referrer,
    delete_many,
    delete_record,
    references_from_outside,
    references_to,
)
from dossier.store.rows.keys import (
    all_uid_maps,
    highest_number,
    keep_highest_number,
    keys_for,
    lock_keys,
    numbers_of,
    uids_for,
    version_of,
    versions_for,
)
from dossier.store.rows.mapping import SPECS, WRITE_ORDER, Child, Column, Spec, plain_value, table_of
from dossier.store.rows.read import (
    choices,
    count_records,
    exists,
    find_records,
    keys_listing,
    negotiation_of,
    read_records,
    round_number_owner,
    round_number_owners,
    via_of,
)
from dossier.store.rows.write import (
    MissingReference,
    bulk_page_cache,
    indexes_built_last,
    write_records,
)

__all__ = [
    "REFERRERS", "SPECS", "WRITE_ORDER", "Child", "Column", "DeleteOutcome", "MissingReference", "Referrer",
    "Spec", "all_uid_maps", "bulk_page_cache", "choices", "count_records", "delete_many", "delete_record",
    "exists", "find_records", "highest_number", "indexes_built_last", "keep_highest_number", "keys_for",
    "keys_listing", "lock_keys", "negotiation_of", "numbers_of", "plain_value", "read_records", "references_from_outside",
    "references_to", "round_number_owner", "round_number_owners", "table_of", "uids_for", "version_of",
    "versions_for", "via_of", "write_records",
]
