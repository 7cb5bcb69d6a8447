"""Execute the notebooks in fresh kernels and render self-contained HTML reports.

Only this module writes reports. ``write_reports`` runs every notebook in
``notebooks/`` in its own kernel (in parallel across cores, with a progress
bar), injects the parameters (papermill convention: after the cell tagged
``parameters``), renders HTML with images embedded, code hidden unless asked and
a table of contents, and writes an ``index.html`` with the scorecard and links.
Reports are built in a staging folder beside the output and moved into place
only when every notebook succeeded, so a failure never leaves a half-written
report or removes an earlier one; :mod:`targets.report.output` holds the rules that
keep a user's files safe (marker file, refusal, lock, clean-up on signals).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import nbformat

from targets.assess import store
from targets.errors import TargetsError
from targets.report.frontpage import render_index
from targets.report.output import (
    OutputError,
    Staging,
    WriteError,
    check_name,
    failed_output,
    foreign_entries,
    read_marker,
    write_file,
)
from targets.report.procs import die_with_parent, kill_tree
from targets.report.toc import TocPreprocessor

KERNEL_NAME = "targets"
_TEMPLATE_DIR = Path(__file__).parent / "templates"


def notebooks_dir() -> Path:
    """The notebooks shipped with the package (``$TARGETS_NOTEBOOKS_DIR`` overrides).

    In a clone they are the repository's ``notebooks/``; in an installed wheel,
    the copies inside the package.
    """
    from targets.sources.vintage import bundled_dir

    env = os.environ.get("TARGETS_NOTEBOOKS_DIR")
    return Path(env) if env else bundled_dir("notebooks")


def discover(directory: str | Path | None = None) -> list[Path]:
    """Return the numbered notebooks (``NN-*.ipynb``) in reading order."""
    folder = Path(directory) if directory is not None else notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


@dataclass
class NotebookResult:
    """The outcome of executing and rendering one notebook."""

    notebook: str
    html_name: str
    ok: bool
    title: str = ""
    failed_cell: int | None = None
    error: str = ""
    n_images: int = 0
    seconds: float = 0.0


@dataclass
class ReportRun:
    """The outcome of :func:`write_reports`."""

    output: Path
    results: list[NotebookResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every notebook executed without error."""
        return all(r.ok for r in self.results)


def inject_parameters(nb: nbformat.NotebookNode, parameters: dict[str, object]) -> None:
    """Insert a cell assigning ``parameters`` after the cell tagged ``parameters``.

    Follows papermill's convention: the new cell is tagged
    ``injected-parameters``; a notebook without a ``parameters`` cell gets it
    first.

    Raises
    ------
    TargetsError
        If a parameter is not assigned in the notebook's ``parameters`` cell.
    """
    if not parameters:
        return
    index = next(
        (
            i
            for i, c in enumerate(nb.cells)
            if "parameters" in c.get("metadata", {}).get("tags", [])
        ),
        None,
    )
    if index is not None:
        declared = set(re.findall(r"^(\w+)\s*(?::[^=]+)?=", nb.cells[index].source, re.M))
        unknown = sorted(set(parameters) - declared)
        if unknown:
            raise TargetsError(
                f"parameter(s) {', '.join(unknown)} not declared in the notebook's parameters "
                f"cell (it declares: {', '.join(sorted(declared)) or 'nothing'})"
            )
    source = "# Parameters injected by `targets report`\n" + "\n".join(
        f"{k} = {v!r}" for k, v in parameters.items()
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(0 if index is None else index + 1, cell)


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def execute(
    path: Path, parameters: dict[str, object] | None = None, timeout: int = 600
) -> tuple[nbformat.NotebookNode, int | None, str]:
    """Execute a notebook top to bottom in a fresh kernel.

    Returns
    -------
    notebook, failed_cell, error
        The executed notebook (outputs up to the failure), the 0-based index of
        the failing cell (``None`` on success) and the error text.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    inject_parameters(nb, parameters or {})
    client = NotebookClient(
        nb,
        kernel_name=_kernel_name(),
        timeout=timeout,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        # The kernel process's own stderr (ipykernel's start-up warnings) is not
        # the notebook's output; cell errors still arrive as messages.
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        failed = next(
            (
                i
                for i, c in enumerate(nb.cells)
                if c.cell_type == "code"
                and any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            None,
        )
        return nb, failed, f"{exc.ename}: {exc.evalue}"
    return nb, None, ""


def render_html(nb: nbformat.NotebookNode, *, with_code: bool = False) -> str:
    """Render an executed notebook as self-contained HTML.

    Images are embedded as data URIs, code is hidden unless ``with_code``, and a
    table of contents of the ``##``/``###`` headings follows the first heading.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(_TEMPLATE_DIR)],
        template_file="report.html.j2",
        exclude_input=not with_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(TocPreprocessor, enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


def count_images(html_text: str) -> int:
    """Number of embedded images in a rendered report."""
    return len(re.findall(r'<img[^>]+src="data:image/', html_text))


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def _run_one(
    path: Path, out_dir: Path, parameters: dict[str, object], with_code: bool
) -> NotebookResult:
    import time

    t0 = time.perf_counter()
    name = path.stem + ".html"
    try:
        nb, failed, error = execute(path, parameters)
    except Exception as exc:  # a kernel that cannot start, a bad parameter, ...
        return NotebookResult(
            path.name, name, False, path.stem, None, f"{type(exc).__name__}: {exc}"
        )
    text = render_html(nb, with_code=with_code)
    tmp = out_dir / (name + ".part")
    write_file(tmp, text)
    tmp.replace(out_dir / name)
    return NotebookResult(
        notebook=path.name,
        html_name=name,
        ok=failed is None and not error,
        title=_title(nb, path.stem),
        failed_cell=failed,
        error=error,
        n_images=count_images(text),
        seconds=time.perf_counter() - t0,
    )


@contextlib.contextmanager
def _shared_store() -> Iterator[None]:
    """Every kernel of a run (and the index) reads one store of assessments.

    Each assessment is then computed once and every page shows the same numbers
    (:mod:`targets.assess.store`).
    """
    previous = os.environ.get(store.ENV_VAR)
    os.environ[store.ENV_VAR] = str(store.cache_dir() or store.default_cache_dir())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(store.ENV_VAR, None)
        else:
            os.environ[store.ENV_VAR] = previous


class _StopOnSigterm:
    """Turn SIGTERM into ``SystemExit(143)`` for the duration, so clean-up runs (main thread)."""

    def __enter__(self) -> _StopOnSigterm:
        self._previous = None
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and their kernels now, without waiting for notebooks."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    kill_tree(proc.pid for proc in processes)
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.join(timeout=5)


def _execute_all(
    paths: Sequence[Path],
    staging: Path,
    parameters: dict[str, object],
    with_code: bool,
    workers: int,
    progress: bool,
) -> dict[str, NotebookResult]:
    from tqdm.auto import tqdm

    results: dict[str, NotebookResult] = {}
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
    )
    try:
        futures = {pool.submit(_run_one, p, staging, parameters, with_code): p for p in paths}
        bar = tqdm(
            total=len(paths),
            desc="notebooks",
            unit="nb",
            # Drawn only on a terminal: redirected logs get no redraw frames.
            disable=None if progress else True,
            file=sys.stderr,
        )
        for fut in as_completed(futures):
            p = futures[fut]
            try:
                res = fut.result()
            except WriteError:  # a full disk is not a notebook's failure: stop the report
                raise
            except Exception:  # worker crashed: report it, keep the others
                res = NotebookResult(
                    p.name,
                    p.stem + ".html",
                    False,
                    p.stem,
                    None,
                    traceback.format_exc(limit=1).strip(),
                )
            results[p.name] = res
            bar.update(1)
        bar.close()
    except BaseException:  # Ctrl-C, SIGTERM, an error: stop now, not after every notebook
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    return results


def write_reports(
    output: str | Path = "reports",
    *,
    as_of: str | date | None = None,
    with_code: bool = False,
    jobs: int | None = None,
    notebooks: Sequence[Path] | None = None,
    summary: Callable[[str | None], Sequence] | None = None,
    progress: bool = True,
    force: bool = False,
) -> ReportRun:
    """Execute every notebook and write HTML reports plus ``index.html``.

    Parameters
    ----------
    output : path
        Destination folder: a new folder, an empty one, or one holding only a
        previous ``targets`` report (recognised by its marker file). Written only
        if every notebook succeeds.
    as_of : date-like, optional
        Injected into each notebook's ``parameters`` cell as ``as_of``.
    with_code : bool
        Show code cells in the reports.
    jobs : int, optional
        Notebooks executed at once; defaults to the number of cores.
    notebooks : sequence of Path, optional
        Defaults to :func:`discover`.
    summary : callable, optional
        Returns the scorecard rows shown on the index page for an as-of date
        (:func:`targets.report.frontpage.goal_rows`); without it the index lists the
        reports only.
    progress : bool
        Show a progress bar on stderr.
    force : bool
        Write into a folder that holds other files: files with the report's
        names are replaced, every other file is left alone.

    Returns
    -------
    ReportRun
        With one :class:`NotebookResult` per notebook. When a notebook failed,
        ``output`` is left as it was and the partial report is in
        ``<output>.failed``.

    Raises
    ------
    TargetsError
        Before any notebook runs: a malformed ``as_of``, no notebooks, an
        output that is a file or a folder of other files (without ``force``),
        a folder we may not write to, or another report writing there.
    """
    from targets.sources.vintage import as_timestamp

    output = Path(output).absolute()
    check_name(output)
    paths = list(notebooks) if notebooks is not None else discover()
    if not paths:
        raise TargetsError(f"no notebooks (NN-*.ipynb) found in {notebooks_dir()}")
    if as_of is not None:
        as_of = as_timestamp(as_of).date().isoformat()  # type: ignore[union-attr]
    parameters: dict[str, object] = {"as_of": str(as_of)} if as_of is not None else {}
    workers = max(1, min(jobs or os.cpu_count() or 1, len(paths)))
    failed = failed_output(output)
    try:
        with _shared_store(), _StopOnSigterm(), Staging(output, force=force) as stage:
            results = _execute_all(paths, stage.folder, parameters, with_code, workers, progress)
            ordered = [results[p.name] for p in paths]
            as_of_arg = str(as_of) if as_of is not None else None
            rows = summary(as_of_arg) if summary else []
            index = stage.folder / "index.html"
            write_file(index, render_index(ordered, as_of_arg, rows=rows))
            files = [r.html_name for r in ordered if (stage.folder / r.html_name).exists()]
            run = ReportRun(output, ordered)
            if run.ok:
                run.output = stage.install(output, [*files, "index.html"], force=force)
                if failed.is_dir() and read_marker(failed) is not None:
                    if not foreign_entries(failed):
                        shutil.rmtree(failed, ignore_errors=True)
            else:
                run.output = stage.install(failed, [*files, "index.html"])
            return run
    except WriteError as exc:  # removed with the staging folder: name the output, not it
        raise OutputError(
            f"--output {output}: could not write {exc.path.name.removesuffix('.part')} "
            f"({exc.reason}); no report was "
            "installed and nothing there changed"
        ) from None
