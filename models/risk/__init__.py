"""The risk model, pure: evidence in, an explainable score, stance and advice out, with
its settings, calibration, the risk document's JSON form and text suggestions.
Nothing here touches the database.
"""
