"""The report: facts about the run, and the table of rows as aligned text or markdown."""

from __future__ import annotations

import os
import sqlite3
import sys

import duckdb
import numpy as np
import polars as pl

from .data import Data, Stores
from .rows import Row
from .timing import LOOKUP_BUDGET_S, LOOKUP_CALLS

HEADER = ["workload", "tool", "median", "rows/s", "theirs/ours"]


def human_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:,.3g} {unit}"
    return f"{seconds / 1e-9:,.3g} ns"


def table_lines(rows: list[Row]) -> list[list[str]]:
    lines = []
    references = {row.workload: row.seconds for row in rows if row.reference}
    for row in rows:
        rate = f"{row.rows / row.seconds / 1e6:,.1f} M" if row.rows and row.seconds else ""
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


def format_markdown(lines: list[list[str]], facts: list[str]) -> str:
    body = ["| " + " | ".join(HEADER) + " |", "|---|---|---:|---:|---:|"]
    body += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(["# yunpei_match side by side", "", *[f"- {f}" for f in facts], "", *body, ""])


def facts_of(data: Data, stores: Stores, m: int, repeats: int) -> list[str]:
    stats = data.catalog.stats
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    setup = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stores.setup_seconds.items())
    return [
        f"scale {data.scale}: {stats.vehicles:,} vehicles, {stats.parts:,} parts, "
        f"{stats.categories:,} categories, {stats.fitment_rows:,} fitment rows",
        f"links {stats.links:,} stored (+ {len(data.part) - stats.links:,} universal spelled "
        f"out for the other tools = {len(data.part):,})",
        f"index memory: ours {stats.index_bytes / stats.links:.2f} bytes/link "
        f"({stats.index_bytes:,} B); numpy CSR {stores.numpy_bytes / len(data.part):.2f} "
        "bytes/link",
        f"batch requests {m:,}; repeats {repeats}; lookups up to {LOOKUP_CALLS:,} calls or "
        f"{LOOKUP_BUDGET_S:g} s per tool",
        f"machine: {cores} cores usable ({os.cpu_count()} total); python "
        f"{sys.version.split()[0]}, numpy {np.__version__}, polars {pl.__version__}, duckdb "
        f"{duckdb.__version__}, sqlite {sqlite3.sqlite_version}",
        f"setup of the other stores (not compared): {setup}",
    ]
