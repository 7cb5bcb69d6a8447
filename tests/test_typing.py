"""Type checkers and IDEs see `targets.forecast`'s real signature, though it loads lazily."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_mypy_rejects_a_wrong_call_to_targets_forecast(tmp_path):
    snippet = tmp_path / "user_code.py"
    snippet.write_text(
        "import pandas as pd\nimport targets\n\n"
        "df = pd.DataFrame()\n"
        "fc = targets.forecast(df, h='three')\n"
        "ok = targets.forecast(df, h=3)\n",
        encoding="utf-8",
    )
    mypy = Path(sys.executable).with_name("mypy")
    out = subprocess.run(
        [
            str(mypy),
            "--ignore-missing-imports",
            "--follow-imports=silent",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(snippet),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 1, out.stdout
    assert 'user_code.py:5: error: No overload variant of "forecast" matches' in out.stdout
    assert "user_code.py:6" not in out.stdout  # the right call type-checks
