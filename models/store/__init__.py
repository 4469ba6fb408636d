"""The store: the engine and column types, the tables, the frozen migrations, opening
a file or a server, waiting for a busy lock, backups, the search index and the doctor.
"""
