"""The benchmark of callsheet (run ``python -m bench``); not part of the installed package."""
