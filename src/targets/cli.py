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
    from targets.sources.data import catalog

    cat = catalog(as_of)
    return cat.assign(
        first_period=cat["first_period"].dt.date,
        last_period=cat["last_period"].dt.date,
        last_published=cat["last_published"].dt.date,
        official_share=(cat["official_share"] * 100).round().astype(int).astype(str) + "%",
    ).drop(columns=["file"])


def _cmd_data(args: argparse.Namespace) -> int:
    from targets.sources.data import catalog

    cat = catalog_table(args.as_of) if args.format == "table" else catalog(args.as_of)
    _print_table(cat, args.format)
    if args.format == "table":
        print(f"\n{int(cat['rows'].sum())} rows in {len(cat)} data sets")
    return 0


def _cmd_goals(args: argparse.Namespace) -> int:
    from targets.sources import goals

    frame = goals.to_frame(goals.load())
    _print_table(frame, args.format)
    return 0


def scorecard_table(as_of: str | None) -> pd.DataFrame:
    """The scorecard formatted for people: probabilities in percent, values in the goal's units.

    Money in the goal's currency, growth goals as multiples or rates, counts as
    counts; the threshold with its comparator (``between``, ``about``) when it
    is not ``>=``. Goals with no forecast keep their row with blank numbers.
    """
    from targets.assess import scorecard
    from targets.assess.explain import value_format
    from targets.formatting import probability
    from targets.sources.goals import load as load_goals

    columns = ["goal", "probability", "verdict", "median", "lo_80", "hi_80", "progress"]
    sc = scorecard(as_of)
    sc = sc.reindex(columns=[*columns, "met_in_hindsight"])
    by_id = {g.id: g for g in load_goals()}

    def fmt(goal: str, v: float) -> str:
        if v != v:  # NaN
            return ""
        return value_format(by_id[goal])(v)

    def threshold(goal: str) -> str:
        g = by_id[goal]
        return (
            fmt(goal, g.threshold)
            if g.comparator == ">="
            else g.describe_threshold(value_format(g))
        )

    out = pd.DataFrame(
        {
            "goal": sc["goal"],
            "P(met)": sc["probability"].map(lambda p: "" if p != p else probability(p)),
            "verdict": sc["verdict"],
            "forecast (80%)": [
                f"{fmt(g, m)} ({fmt(g, lo)}-{fmt(g, hi)})" if m == m else ""
                for g, m, lo, hi in zip(
                    sc["goal"], sc["median"], sc["lo_80"], sc["hi_80"], strict=True
                )
            ],
            "goal threshold": [threshold(g) for g in sc["goal"]],
            "progress": sc["progress"].fillna(""),
            "met (hindsight)": sc["met_in_hindsight"].map(
                lambda m: "no published figure" if m is None or m != m else ("yes" if m else "no")
            ),
        }
    )
    return out


def predictive_table(rows: list[dict]) -> pd.DataFrame:
    """A count goal's posterior predictive records (``predictive_records``) for people.

    Examples
    --------
    >>> row = {"label": "8 streams above ¥100M", "published": "2022-12-31", "value": 8.0,
    ...        "median": 9.1, "lo_80": 4.5, "hi_80": 18.8, "inside": True, "note": "reproduced"}
    >>> predictive_table([row]).iloc[0].tolist()
    ['8 streams above ¥100M', '2022-12-31', '8', '9.1 (4.5-18.8)', 'yes', 'reproduced']
    """
    from targets.formatting import number

    def model(r: dict) -> str:
        if r["median"] is None:
            return ""
        return f"{number(r['median'])} ({number(r['lo_80'])}-{number(r['hi_80'])})"

    return pd.DataFrame(
        {
            "published figure": [r["label"] for r in rows],
            "published": [r["published"] for r in rows],
            "value": [number(r["value"]) for r in rows],
            "model median (80%)": [model(r) for r in rows],
            "inside": ["" if r["inside"] is None else "yes" if r["inside"] else "no" for r in rows],
            "why": [r["note"] for r in rows],
        }
    )


def _cmd_assess(args: argparse.Namespace) -> int:
    from targets.assess import scorecard

    if args.format == "table":
        _print_table(scorecard_table(args.as_of), "table")
        if args.explain:
            card = scorecard(args.as_of, predictive=True)
            for g, e, rows in zip(
                card["goal"], card["explanation"], card["predictive"], strict=True
            ):
                print(f"\n{g}: {e}")
                if rows:  # a count goal: its size model against every evidence row
                    print("\n" + predictive_table(rows).to_string(index=False))
    else:
        # JSON carries, per goal, the rows its verdict hangs on (leave-one-row-out) and, per
        # count goal, the size model's posterior predictive check of every evidence row.
        json_out = args.format == "json"
        _print_table(scorecard(args.as_of, influence=json_out, predictive=json_out), args.format)
    return 0


def _cmd_backtest_goals(args: argparse.Namespace) -> int:
    import json

    from targets.assess.pledges import backtest_goals

    result = backtest_goals(args.pledges, n_samples=args.n_samples, seed=args.seed)
    if args.format == "json":
        print(
            json.dumps(
                {
                    k: json.loads(v.to_json(orient="records", date_format="iso"))
                    for k, v in result.items()
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    table = result["pledges"]
    shown = pd.DataFrame(
        {
            "pledge": table["id"],
            "type": table["type"],
            "announced": table["announced"].dt.date,
            "P(met) at announcement": table["probability"].map(
                lambda p: "no forecast" if p != p else f"{p:.0%}"
            ),
            "met": table["met"].map(
                lambda m: "not published" if m is None or m != m else ("yes" if m else "no")
            ),
        }
    )
    _print_table(shown, "table")
    print(
        "\nScores (pledges with a forecast and an outcome; Brier: lower is better, "
        "log score: higher is better)"
    )
    _print_table(result["scores"].round(3), "table")
    print("\nReliability")
    _print_table(result["reliability"].round(3), "table")
    missing = table[table["probability"].isna()]
    if len(missing):
        print("\nNo forecast at the announcement:")
        for r in missing.itertuples():
            print(f"  {r.id}: {r.note}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from targets.report.frontpage import goal_rows
    from targets.report.render import write_reports

    run = write_reports(
        args.output,
        as_of=args.as_of,
        with_code=args.with_code,
        jobs=args.jobs,
        summary=goal_rows,
        progress=not args.quiet,
        force=args.force,
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


_ENV_HELP = """\
environment variables:
  TARGETS_DATA_DIR   folder holding the data sets (CSV files); --data-dir overrides it
  TARGETS_GOALS      the goal registry (YAML); --goals overrides it
Without them, the data sets and goals shipped with the package are used.
"""


def _location_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder holding your own data sets "
        "(default: $TARGETS_DATA_DIR, else the bundled data)",
    )
    common.add_argument(
        "--goals",
        metavar="FILE",
        help="your own goal registry, a YAML file (default: $TARGETS_GOALS, else the bundled "
        "goals.yaml of the data folder)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``targets`` command."""
    from targets import __version__

    parser = argparse.ArgumentParser(
        prog="targets",
        description="Is an announced growth goal plausible from the growth curves?",
        epilog=_ENV_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"targets {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    common = [_location_options()]

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help,
            parents=common,
            epilog=_ENV_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add("data", "list the data sets")
    p.add_argument("--as-of", help="only rows published on or before this date (YYYY-MM-DD)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=_cmd_data)

    p = add("goals", "list the goals in the goal registry (goals.yaml)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.set_defaults(func=_cmd_goals)

    p = add("assess", "the scorecard: probability and verdict for every goal")
    p.add_argument("--as-of", help="use only data published by this date (YYYY-MM-DD)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--explain", action="store_true", help="print the reasons under the table")
    p.set_defaults(func=_cmd_assess)

    p = add(
        "backtest-goals",
        "the track record: each pledge in data/pledges.yaml assessed as of its announcement",
    )
    p.add_argument("--pledges", default=None, help="a pledge file (default: data/pledges.yaml)")
    p.add_argument("--n-samples", type=int, default=1000, help="Monte Carlo samples per pledge")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=_cmd_backtest_goals)

    p = add("report", "execute every notebook and render HTML reports")
    p.add_argument("--as-of", help="render as of this date (YYYY-MM-DD)")
    p.add_argument(
        "--output",
        default="reports",
        help="output folder (default: reports): a new or empty folder, or one holding an "
        "earlier targets report, which is replaced",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a folder that holds other files: files named like the report's are "
        "replaced, all others are left alone (an existing file as --output is never replaced)",
    )
    p.add_argument("--with-code", action="store_true", help="show code cells")
    p.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_report)
    return parser


def _apply_locations(args: argparse.Namespace) -> None:
    """Check ``--data-dir``/``--goals`` and pass them on (to notebooks too) as environment."""
    import os
    from pathlib import Path

    if getattr(args, "data_dir", None) is not None:
        folder = Path(args.data_dir).expanduser().absolute()
        if not folder.is_dir():
            raise TargetsError(f"--data-dir {args.data_dir}: no such folder")
        os.environ["TARGETS_DATA_DIR"] = str(folder)
    if getattr(args, "goals", None) is not None:
        file = Path(args.goals).expanduser().absolute()
        if not file.is_file():
            raise TargetsError(f"--goals {args.goals}: no such file")
        os.environ["TARGETS_GOALS"] = str(file)


def _check_as_of(args: argparse.Namespace) -> None:
    """Refuse a malformed ``--as-of``, or one before any data, before any work starts."""
    from targets.sources.data import _as_timestamp, first_published

    as_of = getattr(args, "as_of", None)
    if as_of is None:
        return
    ts = _as_timestamp(as_of)
    assert ts is not None
    args.as_of = ts.date().isoformat()
    if args.command in ("assess", "report"):
        first = first_published()
        if first is not None and ts < first:
            raise TargetsError(
                f"--as-of {args.as_of}: nothing had been published by then; the earliest "
                f"publication date in the data is {first.date().isoformat()}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``targets`` console command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _apply_locations(args)
        _check_as_of(args)
        return int(args.func(args))
    except TargetsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: nothing was written", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"error:{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
