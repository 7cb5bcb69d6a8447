"""The ``targets`` command: ``targets data | goals | assess | report``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from targets.errors import TargetsError


def _print_table(df: pd.DataFrame, fmt: str) -> None:
    if fmt == "json":
        df = df.map(_clean_value)
        print(df.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
    elif fmt == "csv":  # ten significant digits: no float noise such as 670162.3999999999
        plain = df.map(_clean_value)
        for col in plain.columns[plain.dtypes.map(pd.api.types.is_float_dtype)]:
            plain[col] = plain[col].map(_plain_number)
        print(plain.to_csv(index=False, date_format="%Y-%m-%d"), end="")
    else:
        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            print(df.map(_cell).to_string(index=False))


def _print_scorecard(table: pd.DataFrame) -> None:
    """:func:`scorecard_table` for a terminal: the table, then its numbered notes."""
    _print_table(table, "table")
    for note in table.attrs.get("notes", []):
        print(note)


def _plain_number(value: float) -> str:
    """A float for CSV: ten significant digits, positional (``9500000000000``), blank if
    missing."""
    import numpy as np

    if pd.isna(value):
        return ""
    return np.format_float_positional(float(value), precision=10, fractional=False, trim="-")


#: Terminal control characters (ANSI escape sequences start with ESC, 27, or CSI, 155) and
#: line breaks: data and goal text reach the terminal as plain text.
_CONTROL = dict.fromkeys([*range(0, 32), *range(127, 160)], " ")
#: The same, keeping tabs and line breaks (quoted in CSV, escaped in JSON).
_CONTROL_KEEP_LINES = {k: v for k, v in _CONTROL.items() if k not in (9, 10)}


def clean(text: object, *, lines: bool = False) -> str:
    """``text`` with terminal control characters made spaces (line breaks too, unless
    ``lines``), so that nothing read from a data or goal file can move the cursor, recolour
    or retitle the user's terminal.

    Examples
    --------
    >>> clean("\x1b[31mred\x1b]0;title\x07 \x9b2J")
    ' [31mred ]0;title   2J'
    """
    return str(text).translate(_CONTROL_KEEP_LINES if lines else _CONTROL)


def _clean_value(value: object) -> object:
    """A cell for CSV or JSON: text (also inside lists and mappings) cleaned, lines kept."""
    if isinstance(value, str):
        return clean(value, lines=True)
    if isinstance(value, list | tuple):
        return type(value)(_clean_value(v) for v in value)
    if isinstance(value, dict):
        return {_clean_value(k): _clean_value(v) for k, v in value.items()}
    return value


def _cell(value: object) -> str:
    """One value of a printed table, as the reports write it: no ``NaN``, ``NaT`` or
    ``None`` (a dash), no scientific notation, no float noise, no terminal escapes."""
    from targets import formatting

    if formatting._missing(value):
        return formatting.MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return formatting.date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        v = float(value)
        if v.is_integer() and abs(v) < 1e18:
            return f"{int(v):,}"
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:.6g}" if abs(v) >= 1e-4 else f"{v:.8f}".rstrip("0")
    return clean(value)


def _positive_int(text: str) -> int:
    """An argument that must be a whole number of at least 1 (samples, jobs)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number; got {text[:40]!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1; got {value}")
    return value


def _vintage(args: argparse.Namespace):
    """The vintage of a command: the data folders and goal file chosen, as of ``--as-of``."""
    from targets.sources.vintage import open_vintage

    return open_vintage(as_of=getattr(args, "as_of", None))


def catalog_table(vintage) -> pd.DataFrame:
    """The data catalog formatted for people: dates without times, shares in percent."""
    cat = vintage.catalog()
    return cat.assign(
        first_period=cat["first_period"].dt.date,
        last_period=cat["last_period"].dt.date,
        last_published=cat["last_published"].dt.date,
        official_share=(cat["official_share"] * 100).round().astype(int).astype(str) + "%",
    ).drop(columns=["file"])


def audit_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The audit formatted for people: file names without their folders, the detail kept
    to one screen line's worth."""
    from pathlib import Path

    return findings.assign(
        file=findings["file"].map(lambda f: Path(f).name if f else f),
        detail=findings["detail"].str.slice(0, 160),
    ).drop(columns="dataset")


def audit_summary(findings: pd.DataFrame, vintage) -> str:
    """One line: findings per check, and the share of data rows with an inferred date."""
    n_rows = len(vintage.observations)
    inferred = int((findings["check"] == "inferred_date").sum())
    share = inferred / n_rows if n_rows else 0.0
    from targets.sources.audit import CHECK_LABELS

    counts = findings["check"].value_counts()
    parts = ", ".join(f"{int(counts.get(c, 0))} {c}" for c in CHECK_LABELS)
    return f"{parts}; inferred publication dates: {inferred} of {n_rows} data rows ({share:.1%})"


def _cmd_data(args: argparse.Namespace) -> int:
    v = _vintage(args)
    if args.audit:
        from targets.sources.audit import audit

        findings = audit(v)
        _print_table(audit_table(findings) if args.format == "table" else findings, args.format)
        if args.format == "table":
            print(f"\n{audit_summary(findings, v)}")
        return 0
    cat = catalog_table(v) if args.format == "table" else v.catalog()
    _print_table(cat, args.format)
    if args.format == "table":
        print(f"\n{int(cat['rows'].sum())} rows in {len(cat)} data sets")
    return 0


def _cmd_goals(args: argparse.Namespace) -> int:
    from targets.sources import goals

    frame = goals.to_frame(list(_vintage(args).goals))
    _print_table(frame, args.format)
    return 0


def scorecard_table(vintage) -> pd.DataFrame:
    """The scorecard formatted for people: probabilities in percent, values in the goal's units.

    Money in the goal's currency, growth goals as multiples or rates, counts as
    counts; the threshold with its comparator (``between``, ``about``) when it
    is not ``>=``. Goals with no forecast keep their row with blank numbers.
    """
    from targets.assess import scorecard
    from targets.assess.explain import value_format
    from targets.formatting import probability

    columns = ["goal", "probability", "verdict", "median", "lo_80", "hi_80", "progress"]
    sc = scorecard(vintage=vintage)
    extra = ["bound", "band", "band_low", "band_high", "outcome", "realized", "met_in_hindsight"]
    sc = sc.reindex(columns=[*columns, *extra])
    by_id = {g.id: g for g in vintage.goals}

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

    # A count goal an assumption decides shows its band, with a numbered note under the
    # table saying which assumption (the full sentence would make the table unreadable).
    notes: list[str] = []
    chance, verdicts = [], []
    for r in sc.itertuples(index=False):
        if isinstance(r.band, str):
            notes.append(f"[{len(notes) + 1}] {r.goal}: {r.band}.")
            mark = f" [{len(notes)}]"
            lo, hi = probability(r.band_low), probability(r.band_high)
            chance.append((f"{lo}–{hi}" if lo != hi else lo) + mark)
            verdicts.append(str(r.verdict).split(":")[0] + mark)
            continue
        # A goal judged on a part of its quantity: the labelled bound, not a chance.
        chance.append(
            r.bound
            if isinstance(r.bound, str)
            else ("" if r.probability != r.probability else probability(r.probability))
        )
        verdicts.append(r.verdict)
    resolved = sc["outcome"].map(lambda o: isinstance(o, str))
    out = pd.DataFrame(
        {
            "goal": sc["goal"],
            "P(met)": chance,
            "verdict": verdicts,
            # A resolved goal shows the published figure, not a forecast of it.
            "forecast (80%)": [
                f"published {fmt(g, v)}"
                if done
                else f"{fmt(g, m)} ({fmt(g, lo)}-{fmt(g, hi)})"
                if m == m
                else ""
                for g, m, lo, hi, done, v in zip(
                    sc["goal"],
                    sc["median"],
                    sc["lo_80"],
                    sc["hi_80"],
                    resolved,
                    sc["realized"],
                    strict=True,
                )
            ],
            "goal threshold": [threshold(g) for g in sc["goal"]],
            "progress": sc["progress"].fillna("").where(~resolved, ""),
            "met (hindsight)": sc["met_in_hindsight"].map(
                lambda m: "no published figure" if m is None or m != m else ("yes" if m else "no")
            ),
        }
    )
    out.attrs["notes"] = notes
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

    v = _vintage(args)
    if args.format == "table":
        _print_scorecard(scorecard_table(v))
        if args.explain:
            card = scorecard(vintage=v, predictive=True)
            for g, e, rows in zip(
                card["goal"], card["explanation"], card["predictive"], strict=True
            ):
                print(f"\n{g}: {clean(e, lines=True)}")
                if rows:  # a count goal: its size model against every evidence row
                    print("\n" + predictive_table(rows).map(_cell).to_string(index=False))
    else:
        # JSON carries, per goal, the rows its verdict hangs on (leave-one-row-out) and, per
        # count goal, the size model's posterior predictive check of every evidence row.
        json_out = args.format == "json"
        card = scorecard(vintage=v, influence=json_out, predictive=json_out)
        _print_table(card, args.format)
    return 0


def _cmd_backtest_goals(args: argparse.Namespace) -> int:
    import json

    from targets.assess.pledges import backtest_goals
    from targets.sources.vintage import PLEDGES_FILE

    data = _vintage(args)
    pledges = data.with_goals(args.pledges) if args.pledges else data.pledges()
    if pledges is None:
        raise TargetsError(
            f"no {PLEDGES_FILE} in the data folder(s); name a pledge file with --pledges FILE"
        )
    result = backtest_goals(pledges, n_samples=args.n_samples, seed=args.seed)
    if args.format == "json":
        print(
            json.dumps(
                {
                    k: json.loads(v.map(_clean_value).to_json(orient="records", date_format="iso"))
                    for k, v in result.items()
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    from targets.formatting import probability, score

    table = result["pledges"]
    shown = pd.DataFrame(
        {
            "pledge": table["id"],
            "type": table["type"],
            "announced": table["announced"].dt.date,
            "growth forecast": table["p_inside"].map(
                lambda p: "none" if p != p else probability(p)
            ),
            "P(met), out of time": table["probability"].map(probability),
            "learned from": table["n_resolved"],
            "met": table["met"].map(
                lambda m: "not published" if m is None or m != m else ("yes" if m else "no")
            ),
        }
    )
    _print_table(shown, "table")
    sc = result["scores"]
    print(
        "\nScores out of time (each probability from the entries resolved before its "
        "announcement), with 90% bootstrap intervals; Brier: lower is better, log score: "
        "higher is better; skill: 1 - Brier / Brier of the hindsight base rate"
    )
    _print_table(
        pd.DataFrame(
            {
                "forecaster": sc["forecaster"],
                "n": sc["n"],
                "Brier (90%)": [
                    f"{b:.3f} ({lo:.3f}-{hi:.3f})"
                    for b, lo, hi in zip(sc["brier"], sc["brier_lo"], sc["brier_hi"], strict=True)
                ],
                "log score (90%)": [
                    f"{b:.3f} ({lo:.3f} to {hi:.3f})"
                    for b, lo, hi in zip(sc["log_score"], sc["log_lo"], sc["log_hi"], strict=True)
                ],
                "skill": sc["brier_skill"].map(lambda v: f"{v:+.3f}"),
            }
        ),
        "table",
    )
    print("\nReliability")
    rel = result["reliability"]
    _print_table(
        rel.assign(
            mean_probability=rel["mean_probability"].map(probability),
            share_met=rel["share_met"].map(probability),
        ),
        "table",
    )
    print("\nBy kind of statement")
    bt = result["by_type"]
    _print_table(
        bt.assign(
            share_met=bt["share_met"].map(probability),
            mean_probability=bt["mean_probability"].map(probability),
        ),
        "table",
    )
    print(
        "\nBy how many earlier outcomes the calibration had learned from (Brier; the "
        "growth forecast alone and the base rate then as in the scores)"
    )
    bl = result["by_learning"]
    _print_table(
        bl.assign(
            share_met=bl["share_met"].map(probability),
            **{c: bl[c].map(score) for c in ("brier", "brier_inside", "brier_base_then")},
        ).rename(
            columns={
                "learned_from": "earlier outcomes",
                "brier": "targets",
                "brier_inside": "growth forecast alone",
                "brier_base_then": "base rate then",
            }
        ),
        "table",
    )
    missing = table[table["p_inside"].isna()]
    if len(missing):
        print(
            f"\nNo growth forecast at the announcement ({len(missing)} of {len(table)}; their "
            "probability comes from the track record alone):"
        )
        for r in missing.itertuples():
            print(f"  {r.id}: {clean(r.note)}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    import os

    from targets.report.frontpage import goal_rows
    from targets.report.render import write_reports
    from targets.sources.vintage import GOAL_IDS_ENV

    if args.goal:
        os.environ[GOAL_IDS_ENV] = ",".join(args.goal)
        _vintage(args)  # an unknown id is refused before any notebook runs

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
        print(clean(line, lines=True))
    print(f"\nreports: {clean(run.output / 'index.html')}")
    print(f"\nGoal scorecard ({'as of ' + args.as_of if args.as_of else 'latest data'})")
    _print_scorecard(scorecard_table(_vintage(args)))
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
  TARGETS_DATA_DIR   folder(s) holding the data sets (CSV files), separated by ':';
                     --data-dir overrides it
  TARGETS_GOALS      the goal registry (YAML); --goals overrides it
Without them, the data sets and goals shipped with the package are used. Model constants
(assumptions.csv) a folder does not define come from the shipped ones.
"""


def _location_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        action="append",
        help="folder holding your own data sets; repeat it to combine folders (the first "
        "holding a data set wins), and name 'bundled' to add the shipped data "
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
    p.add_argument(
        "--audit",
        action="store_true",
        help="list what needs a second look: inferred dates, undated assumptions, parts "
        "larger than their whole, year-to-date figures that leave too little for the year",
    )
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
    p.add_argument("--as-of", help="only pledges announced, and outcomes published, by then")
    p.add_argument(
        "--n-samples", type=_positive_int, default=300, help="Monte Carlo samples per pledge"
    )
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
    p.add_argument(
        "--goal",
        action="append",
        metavar="ID",
        help="a report on this goal only (repeat for several); default: every goal",
    )
    p.add_argument(
        "--jobs", type=_positive_int, default=None, help="notebooks run at once (default: cores)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_report)
    return parser


def _apply_locations(args: argparse.Namespace) -> None:
    """Check ``--data-dir``/``--goals`` and pass them on (to notebooks too) as environment."""
    import os
    from pathlib import Path

    from targets.sources.vintage import DATA_DIR_ENV, bundled_dir

    if getattr(args, "data_dir", None):
        folders = []
        for given in args.data_dir:
            folder = bundled_dir("data") if given == "bundled" else Path(given).expanduser()
            if not folder.is_dir():
                raise TargetsError(f"--data-dir {given}: no such folder")
            if os.pathsep in str(folder.absolute()):
                raise TargetsError(f"--data-dir {given}: a folder name may not hold {os.pathsep!r}")
            folders.append(str(folder.absolute()))
        os.environ[DATA_DIR_ENV] = os.pathsep.join(folders)
    if getattr(args, "goals", None) is not None:
        file = Path(args.goals).expanduser().absolute()
        if not file.is_file():
            raise TargetsError(f"--goals {args.goals}: no such file")
        os.environ["TARGETS_GOALS"] = str(file)


def _check_as_of(args: argparse.Namespace) -> None:
    """Refuse a malformed ``--as-of``, or one before any data, before any work starts."""
    from targets.sources.vintage import as_timestamp, open_vintage

    as_of = getattr(args, "as_of", None)
    if as_of is None:
        return
    ts = as_timestamp(as_of)
    assert ts is not None
    args.as_of = ts.date().isoformat()
    if args.command in ("assess", "report"):
        first = open_vintage().first_published
        if first is not None and ts < first:
            raise TargetsError(
                f"--as-of {args.as_of}: nothing had been published by then; the earliest "
                f"publication date in the data is {first.date().isoformat()}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``targets`` console command."""
    import os

    from targets.assess import store

    parser = build_parser()
    args = parser.parse_args(argv)
    # Assessments and the track record are stored between runs (keyed by the content of the
    # data and the code), so a second command reads what the first computed.
    os.environ.setdefault(store.ENV_VAR, str(store.default_cache_dir()))
    try:
        _apply_locations(args)
        _check_as_of(args)
        return int(args.func(args))
    except TargetsError as exc:
        print(f"error: {clean(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted: nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped reading (``targets data | head``): not an error of ours. Send
        # what is still buffered nowhere, so Python's exit does not report it again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"error: {clean(where)}{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
