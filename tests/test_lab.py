"""`make lab` starts JupyterLab (also as root) with the py:percent twins opening as notebooks."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_lab_starts_and_opens_py_twins_as_notebooks(tmp_path):
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "HOME": str(tmp_path)}
    args = (
        "--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=0 "
        "--IdentityProvider.token=secret-test-token"
    )
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen: list[str] = []
    try:
        url = None
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            m = re.search(r"(http://(?:localhost|127\.0\.0\.1):\d+)/lab", line)
            url = m.group(1) if m else None
        assert url, "".join(seen)
        if os.geteuid() == 0:
            assert any("jupyter lab --allow-root" in line for line in seen)
        plugin = "@jupyterlab/docmanager-extension:plugin"
        settings = None
        for _ in range(60):  # the URL is printed as the server starts listening
            try:
                with urllib.request.urlopen(
                    f"{url}/lab/api/settings/{plugin}?token=secret-test-token", timeout=30
                ) as resp:
                    settings = json.load(resp)
                break
            except urllib.error.URLError:
                time.sleep(0.5)
        assert settings is not None, "".join(seen)
        viewers = settings["schema"]["properties"]["defaultViewers"]["default"]
        assert viewers.get("python") == "Jupytext Notebook", viewers
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=30)


def _lab_contents_manager(root: Path):
    """Jupytext's contents manager (as JupyterLab runs it) with the project's server config."""
    from jupytext.async_contentsmanager import AsyncTextFileContentsManager
    from traitlets.config import Config

    config = Config(json.loads((REPO / "etc" / "jupyter_server_config.json").read_text()))
    return AsyncTextFileContentsManager(root_dir=str(root), config=config)


def test_a_save_without_edits_leaves_both_twins_byte_identical(tmp_path):
    import asyncio

    folder = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", folder)
    manager = _lab_contents_manager(folder)
    for ipynb in sorted(folder.glob("*.ipynb")):
        twin = ipynb.with_suffix(".py")
        before = ipynb.read_bytes(), twin.read_bytes()
        model = asyncio.run(manager.get(ipynb.name))
        # What a session leaves in the model: outputs, counts, the kernel's language_info.
        model["content"]["metadata"]["language_info"] = {"name": "python", "version": "3.11"}
        for cell in model["content"]["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x\n"}]
                cell["execution_count"] = 7
                cell["metadata"]["scrolled"] = True
        asyncio.run(manager.save({"type": "notebook", "content": model["content"]}, ipynb.name))
        assert (ipynb.read_bytes(), twin.read_bytes()) == before, ipynb.name


def test_the_pre_save_hook_leaves_other_files_alone(tmp_path):
    import asyncio

    manager = _lab_contents_manager(tmp_path)
    text = "outputs: keep me\n"
    asyncio.run(manager.save({"type": "file", "format": "text", "content": text}, "notes.txt"))
    assert (tmp_path / "notes.txt").read_text() == text
