"""The ``targets`` command: ``targets data | goals | assess | report``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from targets.errors import TargetsError


def _print_table(df: pd.DataFrame, fmt: str) -> None:
    if fmt == "json":
        print(df.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
    elif fmt == "csv":
        print(df.to_csv(index=False), end="")
    else:
        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            print(df.to_string(index=False))


def catalog_table(as_of: str | None = None) -> pd.DataFrame:
    """The data catalog formatted for people: dates without times, shares in percent."""
    from targets.data import catalog

    cat = catalog(as_of)
    return cat.assign(
        first_period=cat["first_period"].dt.date,
        last_period=cat["last_period"].dt.date,
        last_published=cat["last_published"].dt.date,
        official_share=(cat["official_share"] * 100).round().astype(int).astype(str) + "%",
    ).drop(columns=["file"])


def _cmd_data(args: argparse.Namespace) -> int:
    from targets.data import catalog

    cat = catalog_table(args.as_of) if args.format == "table" else catalog(args.as_of)
    _print_table(cat, args.format)
    if args.format == "table":
        print(f"\n{int(cat['rows'].sum())} rows in {len(cat)} data sets")
    return 0


def _cmd_goals(args: argparse.Namespace) -> int:
    from targets import goals

    frame = goals.to_frame(goals.load())
    _print_table(frame, args.format)
    return 0


def scorecard_table(as_of: str | None) -> pd.DataFrame:
    """The scorecard formatted for people: probabilities in percent, money with suffixes."""
    from targets.assess import scorecard
    from targets.goals import load as load_goals
    from targets.units import format_yuan

    sc = scorecard(as_of)
    kinds = {g.id: g.kind for g in load_goals()}

    def fmt(goal: str, v: float) -> str:
        if v != v:  # NaN
            return ""
        return format_yuan(v) if kinds[goal] == "aggregate" else f"{v:,.0f}"

    out = pd.DataFrame(
        {
            "goal": sc["goal"],
            "P(met)": sc["probability"].map(lambda p: "" if p != p else f"{p:.0%}"),
            "verdict": sc["verdict"],
            "forecast (80%)": [
                f"{fmt(g, m)} ({fmt(g, lo)}-{fmt(g, hi)})" if m == m else ""
                for g, m, lo, hi in zip(
                    sc["goal"], sc.get("median"), sc.get("lo_80"), sc.get("hi_80"), strict=True
                )
            ],
            "goal threshold": [fmt(g, t) for g, t in zip(sc["goal"], sc["threshold"], strict=True)],
            "progress": sc.get("progress", ""),
            "met (hindsight)": sc["met_in_hindsight"].map(
                lambda m: "no published figure" if m is None else ("yes" if m else "no")
            ),
        }
    )
    return out


def _cmd_assess(args: argparse.Namespace) -> int:
    from targets.assess import scorecard

    if args.format == "table":
        _print_table(scorecard_table(args.as_of), "table")
        if args.explain:
            for g, e in zip(
                *[scorecard(args.as_of)[c] for c in ("goal", "explanation")], strict=True
            ):
                print(f"\n{g}: {e}")
    else:
        _print_table(scorecard(args.as_of), args.format)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from targets.frontpage import goal_rows
    from targets.report import write_reports

    run = write_reports(
        args.output,
        as_of=args.as_of,
        with_code=args.with_code,
        jobs=args.jobs,
        summary=goal_rows,
        progress=not args.quiet,
    )
    for r in run.results:
        status = "ok" if r.ok else "FAILED"
        line = f"{status:6s} {r.notebook:40s} {r.seconds:6.1f}s  {r.n_images} image(s)"
        if not r.ok:
            cell = f"cell {r.failed_cell}" if r.failed_cell is not None else "before execution"
            line += f"\n       {cell}: {r.error}"
        print(line)
    print(f"\nreports: {run.output / 'index.html'}")
    print(f"\nGoal scorecard ({'as of ' + args.as_of if args.as_of else 'latest data'})")
    _print_table(scorecard_table(args.as_of), "table")
    if not run.ok:
        print(
            f"\nerror: {sum(not r.ok for r in run.results)} notebook(s) failed; the previous "
            f"report in {args.output} was left in place",
            file=sys.stderr,
        )
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``targets`` command."""
    parser = argparse.ArgumentParser(
        prog="targets",
        description="Is an announced growth goal plausible from the growth curves?",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("data", help="list the data sets")
    p.add_argument("--as-of", help="only rows published on or before this date (YYYY-MM-DD)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=_cmd_data)

    p = sub.add_parser("goals", help="list the goals in data/goals.yaml")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=_cmd_goals)

    p = sub.add_parser("assess", help="the scorecard: probability and verdict for every goal")
    p.add_argument("--as-of", help="use only data published by this date (YYYY-MM-DD)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--explain", action="store_true", help="print the reasons under the table")
    p.set_defaults(func=_cmd_assess)

    p = sub.add_parser("report", help="execute every notebook and render HTML reports")
    p.add_argument("--as-of", help="render as of this date (YYYY-MM-DD)")
    p.add_argument("--output", default="reports", help="output folder (default: reports)")
    p.add_argument("--with-code", action="store_true", help="show code cells")
    p.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``targets`` console command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except TargetsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
