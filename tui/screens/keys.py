"""Key tables: a screen's bindings as one row each, their ids named after the screen.

Every binding carries an id (``records.edit``) that ``[keys]`` in config.toml can remap, and
a tooltip that help and the command palette show. ``keys_of("records")`` gives a function
that builds one such binding from a row (key, action, label, tooltip), so a
screen's ``BINDINGS`` read as a table and no id can lose its screen's prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.binding import Binding


def binding(
    screen: str,
    key: str,
    action: str,
    label: str,
    tooltip: str = "",
    *,
    name: str = "",
    show: bool = True,
    **extra,
) -> Binding:
    """The binding of ``key`` to ``action`` on ``screen``, with the id ``<screen>.<name>``.

    ``name`` is the action's own name unless given (an action with arguments needs one).
    """
    name = name or action
    return Binding(key, action, label, show=show, id=f"{screen}.{name}", tooltip=tooltip, **extra)


def keys_of(screen: str, *, show: bool = True) -> Callable[..., Binding]:
    """A :func:`binding` builder for ``screen`` (``show``: in the footer unless a row says)."""
    return partial(binding, screen, show=show)
