"""The interchange JSON format, version 1: reading, checking, writing, importing.

Reading is strict, as the spec's "Precise rules" demand: the file must be one RFC 8259
JSON value in UTF-8 with no BOM, no NaN/Infinity, no duplicate keys, no trailing data,
at most 64 levels deep (``strict_json``). Every record is then checked with the same rules
the services apply (``dossier.model.schema``), and the whole document is checked for
references, duplicate ids, via cycles and round numbers before anything is written
(``reading``, with the records made by ``codec``).

Reading is bounded: a file is read a window at a time, record by record, each record made
into its dataclass as soon as it is read, and a file that would take more than
``MEMORY_MULTIPLE`` times its size plus ``MEMORY_ALLOWANCE`` to read, check and import is
refused before it does (``budget``, and docs/reliability.md). Importing and exporting a
workspace is ``importing``.

Callers import this package, never its modules (tests may reach a module to bend a limit).
"""

from dossier.services.interchange.codec import document_to_json, record_to_json, write_document
from dossier.services.interchange.importing import (
    ImportReport,
    ImportUndo,
    export_document,
    export_json,
    fingerprint,
    import_document,
    import_json,
)
from dossier.services.interchange.limits import (
    FORMAT,
    MAX_DEPTH,
    MAX_ERRORS,
    MAX_FILE_BYTES,
    MEMORY_ALLOWANCE,
    MEMORY_MULTIPLE,
    TOP_KEYS,
    VERSION,
)
from dossier.services.interchange.reading import read_document, read_file
from dossier.services.interchange.strict_json import parse_json

__all__ = [
    "FORMAT", "MAX_DEPTH", "MAX_ERRORS", "MAX_FILE_BYTES", "MEMORY_ALLOWANCE", "MEMORY_MULTIPLE", "TOP_KEYS",
    "VERSION", "ImportReport", "ImportUndo", "document_to_json", "export_document", "export_json", "fingerprint",
    "import_document", "import_json", "parse_json", "read_document", "read_file", "record_to_json",
    "write_document",
]
