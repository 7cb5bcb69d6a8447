"""Keep the notebooks as the repository holds them when they are saved in JupyterLab.

The notebooks ship without outputs (reports are rendered by ``targets report``), and a
save without an edit should change nothing. :func:`strip_for_repository` is a Jupyter
server pre-save hook: before a notebook is written it drops outputs, execution counts,
the cell metadata a session writes (view state, timings), and notebook metadata other
than ``kernelspec`` and ``jupytext`` (the kernel's ``language_info``, widget state). The
project's Lab (``make lab``) loads it from ``etc/jupyter_server_config.json``; to use it
in your own Lab, add to your ``jupyter_server_config.py``::

    c.ContentsManager.pre_save_hook = "targets.lab.strip_for_repository"
"""

from __future__ import annotations

from typing import Any

#: Notebook metadata kept on save (the rest is written by the kernel or the front end).
KEPT_NOTEBOOK_METADATA = ("kernelspec", "jupytext")
#: Cell metadata a session writes (view state, timings); dropped on save. The rest stays:
#: ``tags`` (``parameters`` marks the cell papermill fills in) and Jupytext's layout keys
#: (``lines_to_next_cell``), without which the text twin would change.
SESSION_CELL_METADATA = ("collapsed", "scrolled", "execution", "ExecuteTime", "jupyter", "trusted")


def strip_for_repository(model: dict[str, Any], **_: Any) -> dict[str, Any]:
    """Strip a notebook model in place before the server saves it; other files untouched.

    Parameters
    ----------
    model : dict
        The contents model the server is about to save (``type``, ``content``, ...).
        Keyword arguments the server passes (``path``, ``contents_manager``) are ignored.

    Returns
    -------
    dict
        The same model.

    Examples
    --------
    >>> m = {"type": "notebook", "content": {"metadata": {"language_info": {}},
    ...      "cells": [{"cell_type": "code", "outputs": [1], "execution_count": 3,
    ...                 "metadata": {"scrolled": True}, "source": "1"}]}}
    >>> strip_for_repository(m)["content"]["cells"][0]["outputs"]
    []
    >>> m["content"]["metadata"]
    {}
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return model
    content = model["content"]
    meta = content.get("metadata") or {}
    content["metadata"] = {k: meta[k] for k in KEPT_NOTEBOOK_METADATA if k in meta}
    jupytext = content["metadata"].get("jupytext")
    if isinstance(jupytext, dict):
        text = jupytext.get("text_representation")
        if isinstance(text, dict):
            text.pop("jupytext_version", None)
    for cell in content.get("cells") or []:
        cell_meta = cell.get("metadata") or {}
        cell["metadata"] = {k: v for k, v in cell_meta.items() if k not in SESSION_CELL_METADATA}
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return model
