"""Everything that only SQLite has: connection pragmas, file checks, online backup, FTS5.

A PostgreSQL workspace replaces this package's pieces one for one; the tables, the
records layer and the migrations are shared.
"""
