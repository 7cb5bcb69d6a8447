"""Time loading and validating every data set (prints figures; not a test).

Run: .venv/bin/python benchmarks/bench_data.py
"""

from __future__ import annotations

import time

from targets.sources import data


def main(repeats: int = 5) -> None:
    timings = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        frame = data.load_all()
        timings.append(time.perf_counter() - t0)
    print(f"load_all: {len(frame)} rows, best of {repeats}: {min(timings) * 1e3:.1f} ms")
    t0 = time.perf_counter()
    data.catalog("2021-04-08")
    print(f"catalog(as_of=2021-04-08): {(time.perf_counter() - t0) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
