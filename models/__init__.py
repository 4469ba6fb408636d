"""callsheet's domain: the store, the risk model, queries, import and export.

Nothing in this package imports Textual or ``tui``; a test enforces it.
"""
