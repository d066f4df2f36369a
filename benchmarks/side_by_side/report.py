"""The report: facts about the run, the table of rows as aligned text or markdown, the plot.

``write_report`` writes both into a folder: ``benchmarks-<scale>.md`` (``benchmarks.md`` for
scale L, the figures the docs quote) and a PNG of the same name. When the markdown file exists
and holds the lines ``REPORT_BEGIN`` and ``REPORT_END``, only what lies between them is
replaced, so that a hand-written page (``docs/benchmarks.md``) keeps its text around the table.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from .data import Data, Stores
from .rows import Row
from .timing import LOOKUP_BUDGET_S, LOOKUP_CALLS

HEADER = ["workload", "tool", "median", "rows/s", "theirs/ours"]
REPORT_BEGIN = "<!-- compare.py --report: begin (generated, do not edit by hand) -->"
REPORT_END = "<!-- compare.py --report: end -->"
# Workloads whose other tools answer a simpler question: said under the bar's name.
PLOT_NOTES = {"sourcing": "(others: nearest per line,\nno consolidation)"}


def human_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:,.3g} {unit}"
    return f"{seconds / 1e-9:,.3g} ns"


def human_rate(per_second: float) -> str:
    """Rows per second in millions, or in thousands below 100,000."""
    if per_second >= 1e5:
        return f"{per_second / 1e6:,.1f} M"
    return f"{per_second / 1e3:,.1f} k"


def table_lines(rows: list[Row]) -> list[list[str]]:
    lines = []
    references = {row.workload: row.seconds for row in rows if row.reference}
    for row in rows:
        rate = human_rate(row.rows / row.seconds) if row.rows and row.seconds else ""
        ratio = row.seconds / references[row.workload] if row.workload in references else None
        mark = " *" if row.reference else ""
        lines.append(
            [row.workload, row.tool + mark, human_time(row.seconds), rate, f"{ratio:,.2f}"]
        )
    return lines


def format_text(lines: list[list[str]]) -> str:
    widths = [max(len(x) for x in column) for column in zip(HEADER, *lines, strict=True)]
    out = []
    for i, line in enumerate([HEADER, *lines]):
        cells = [
            c.ljust(w) if j < 2 else c.rjust(w)
            for j, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells))
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown_table(lines: list[list[str]]) -> list[str]:
    body = ["| " + " | ".join(HEADER) + " |", "|---|---|---:|---:|---:|"]
    return body + ["| " + " | ".join(line) + " |" for line in lines]


def format_markdown(lines: list[list[str]], facts: list[str]) -> str:
    body = markdown_table(lines)
    return "\n".join(["# yunpei_match side by side", "", *[f"- {f}" for f in facts], "", *body, ""])


def best_others(rows: list[Row]) -> list[tuple[str, float, str]]:
    """Per workload with a reference and another tool: (workload, best other's time over the
    reference's, that tool's name). Floors (``(floor)`` in the name) are not competitors."""
    found: dict[str, tuple[float, str]] = {}
    references = {row.workload: row.seconds for row in rows if row.reference}
    for row in rows:
        if row.tool.startswith("ours") or "(floor)" in row.tool or row.workload not in references:
            continue
        ratio = row.seconds / references[row.workload]
        if row.workload not in found or ratio < found[row.workload][0]:
            found[row.workload] = (ratio, row.tool)
    return [(workload, *found[workload]) for workload in references if workload in found]


def plot(rows: list[Row], path: Path, scale: str) -> None:
    """A bar per workload: the best other tool's time over ours, log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = best_others(rows)
    alone = [w for w in dict.fromkeys(r.workload for r in rows) if w not in {b[0] for b in bars}]
    ratios = [ratio for _, ratio, _ in bars]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(bars) + 2.0), 5.5), layout="constrained")
    colours = ["#2e7d32" if r >= 1 else "#c62828" for r in ratios]
    ax.bar(range(len(bars)), ratios, color=colours)
    ax.set_yscale("log")
    ax.axhline(1.0, color="black", linewidth=0.8)
    names = [f"{w}\n{PLOT_NOTES[w]}" if w in PLOT_NOTES else w for w, _, _ in bars]
    ax.set_xticks(range(len(bars)), names, rotation=35, ha="right", rotation_mode="anchor")
    ax.set_ylabel("best other tool's time / ours (log scale)")
    for x, (_, ratio, tool) in enumerate(bars):
        label = f"{ratio:,.3g}×\n{tool.split(':')[0]}"
        ax.annotate(
            label,
            (x, ratio),
            xytext=(0, 3 if ratio >= 1 else -3),
            textcoords="offset points",
            ha="center",
            va="bottom" if ratio >= 1 else "top",
            fontsize=8,
        )
    low, high = min([*ratios, 1.0]), max([*ratios, 1.0])
    ax.set_ylim(low / 4, high * 4)
    title = f"yunpei_match side by side, scale {scale}: above 1, yunpei_match is faster"
    if alone:
        title += f"\n(no other tool: {', '.join(alone)})"
    ax.set_title(title, fontsize=10)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(
    directory: Path, scale: str, lines: list[list[str]], facts: list[str], rows: list[Row]
) -> tuple[Path, Path]:
    """The markdown table and the plot in ``directory`` (see the module docstring)."""
    directory.mkdir(parents=True, exist_ok=True)
    name = "benchmarks" if scale == "L" else f"benchmarks-{scale}"
    markdown, png = directory / f"{name}.md", directory / f"{name}.png"
    plot(rows, png, scale)
    block = [
        REPORT_BEGIN,
        *[f"- {f}" for f in facts],
        "",
        *markdown_table(lines),
        "",
        f"![Best other tool's time over yunpei_match's, per workload, scale {scale}]({png.name})",
        REPORT_END,
    ]
    old = markdown.read_text("utf-8") if markdown.exists() else ""
    if REPORT_BEGIN in old and REPORT_END in old:
        head, rest = old.split(REPORT_BEGIN, 1)
        text = head + "\n".join(block) + rest.split(REPORT_END, 1)[1]
    else:
        text = "\n".join([f"# yunpei_match side by side, scale {scale}", "", *block, ""])
    markdown.write_text(text, "utf-8")
    return markdown, png


def facts_of(data: Data, stores: Stores, m: int, repeats: int) -> list[str]:
    stats = data.catalog.stats
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    setup = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stores.setup_seconds.items())
    return [
        f"scale {data.scale}: {stats.vehicles:,} vehicles, {stats.parts:,} parts, "
        f"{stats.categories:,} categories, {stats.fitment_rows:,} fitment rows",
        f"links {stats.links:,} stored (+ {len(data.part) - stats.links:,} universal spelled "
        f"out for the other tools = {len(data.part):,})",
        # The fitment arrays only: stats.index_bytes also counts the number index.
        f"fitment index memory: ours {data.catalog._links.nbytes / stats.links:.2f} bytes/link "
        f"({data.catalog._links.nbytes:,} B); numpy CSR "
        f"{stores.numpy_bytes / len(data.part):.2f} bytes/link",
        f"batch requests {m:,}; repeats {repeats}; lookups up to {LOOKUP_CALLS:,} calls or "
        f"{LOOKUP_BUDGET_S:g} s per tool",
        f"machine: {cores} cores usable ({os.cpu_count()} total); python "
        f"{sys.version.split()[0]}, numpy {np.__version__}, polars {pl.__version__}, duckdb "
        f"{duckdb.__version__}, sqlite {sqlite3.sqlite_version}",
        f"setup of the other stores (not compared): {setup}",
    ]
