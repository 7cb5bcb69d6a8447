"""Every Python example in the README runs, in order, as a reader would paste it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.slow
def test_every_readme_python_block_runs_in_order():
    namespace: dict[str, object] = {"__name__": "readme"}
    for i, block in enumerate(BLOCKS):
        try:
            exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
        except Exception as exc:  # name the block in the failure
            raise AssertionError(f"README python block {i + 1} fails: {exc!r}\n{block}") from exc
    assert 0.0 <= namespace["a"].probability <= 1.0
