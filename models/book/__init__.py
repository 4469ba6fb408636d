"""The book: every read and write of clients and their records, the derived columns
(last contact, stored score) refreshed in one place, the stored risk documents, the
dashboard's lists, triage, and forgetting a client.
"""
