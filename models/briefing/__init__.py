"""What is read before and after a call: the call sheet, the dispute fact sheet and
the "saying no" outline.
"""
