"""Time `targets report` for all notebooks with a warm environment (prints figures; not a test).

Run: .venv/bin/python benchmarks/bench_report.py [--as-of 2021-04-08] [--empty-store]

A warm-up run loads the fonts, the Stan models and the assessment store
(:mod:`targets.report.store`, in a temporary folder here). The timed run then reads
the stored assessments, as a second ``make report`` on unchanged data and code
does. With ``--empty-store`` the timed run starts from an empty store instead:
every assessment is computed once, as after a change to the data or the model
code (the notebooks still share one computation per goal and as-of date).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from targets.report import store
from targets.report.frontpage import goal_rows
from targets.report.render import write_reports


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", default=None)
    parser.add_argument(
        "--empty-store", action="store_true", help="time the run with an empty assessment store"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[store.ENV_VAR] = str(Path(tmp) / "store")
        write_reports(Path(tmp) / "warmup", as_of=args.as_of, progress=False)  # warm caches
        if args.empty_store:
            os.environ[store.ENV_VAR] = str(Path(tmp) / "empty-store")
        t0 = time.perf_counter()
        run = write_reports(
            Path(tmp) / "reports", as_of=args.as_of, progress=False, summary=goal_rows
        )
        total = time.perf_counter() - t0
    state = "empty" if args.empty_store else "warm"
    print(
        f"targets report ({args.as_of or 'latest data'}, assessment store {state}): "
        f"{total:.1f} s wall, {'ok' if run.ok else 'FAILED'}"
    )
    for r in sorted(run.results, key=lambda r: -r.seconds):
        print(f"  {r.notebook:32s} {r.seconds:6.1f} s  {r.n_images} image(s)")


if __name__ == "__main__":
    main()
