"""The ``targets`` command: ``targets data | goals | report``."""

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


def _cmd_data(args: argparse.Namespace) -> int:
    from targets.data import catalog

    cat = catalog(args.as_of)
    if args.format == "table":
        cat = cat.assign(
            first_period=cat["first_period"].dt.date,
            last_period=cat["last_period"].dt.date,
            last_published=cat["last_published"].dt.date,
            official_share=(cat["official_share"] * 100).round().astype(int).astype(str) + "%",
        ).drop(columns=["file"])
    _print_table(cat, args.format)
    if args.format == "table":
        print(f"\n{int(cat['rows'].sum())} rows in {len(cat)} data sets")
    return 0


def _cmd_goals(args: argparse.Namespace) -> int:
    from targets import goals

    frame = goals.to_frame(goals.load())
    _print_table(frame, args.format)
    return 0


def goals_summary_html(as_of: str | None) -> str:
    """HTML table shown on the report index (the goal registry)."""
    from targets import goals

    frame = goals.to_frame(goals.load()).drop(columns=["series"])
    return frame.to_html(index=False, border=0, float_format=lambda v: f"{v:,.0f}")


def _cmd_report(args: argparse.Namespace) -> int:
    from targets import goals
    from targets.report import write_reports

    run = write_reports(
        args.output,
        as_of=args.as_of,
        with_code=args.with_code,
        jobs=args.jobs,
        summary=goals_summary_html,
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
    print("\nGoal scorecard")
    _print_table(goals.to_frame(goals.load()).drop(columns=["series"]), "table")
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
