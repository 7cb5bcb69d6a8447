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
        # The Dask example's local cluster runs in this process (threads, no dashboard), so
        # the test neither forks worker processes nor binds the dashboard's port.
        code = block.replace("Client()", "Client(processes=False, dashboard_address=None)")
        try:
            exec(compile(code, f"README.md python block {i + 1}", "exec"), namespace)
        except Exception as exc:  # name the block in the failure
            raise AssertionError(f"README python block {i + 1} fails: {exc!r}\n{block}") from exc
        finally:
            client = namespace.pop("client", None)
            if client is not None:
                client.close()
    assert 0.0 <= namespace["a"].probability <= 1.0
