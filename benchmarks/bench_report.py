"""Time `targets report` for all notebooks with a warm environment (prints figures; not a test).

Run: .venv/bin/python benchmarks/bench_report.py [--as-of 2021-04-08]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from targets.frontpage import goal_rows
from targets.report import write_reports


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_reports(Path(tmp) / "warmup", as_of=args.as_of, progress=False)  # warm caches
        t0 = time.perf_counter()
        run = write_reports(
            Path(tmp) / "reports", as_of=args.as_of, progress=False, summary=goal_rows
        )
        total = time.perf_counter() - t0
    print(
        f"targets report ({args.as_of or 'latest data'}): {total:.1f} s wall, "
        f"{'ok' if run.ok else 'FAILED'}"
    )
    for r in sorted(run.results, key=lambda r: -r.seconds):
        print(f"  {r.notebook:32s} {r.seconds:6.1f} s  {r.n_images} image(s)")


if __name__ == "__main__":
    main()
