"""Command line: ``yunpei-match`` (also ``python -m yunpei_match``).

Commands
--------
``build``
    A saved index from parquet tables.
``fitment``, ``numbers``, ``search``, ``vins``, ``nearest``, ``source``, ``offers``
    Batch jobs (:mod:`yunpei_match.batch`): a parquet file or directory streamed to parquet,
    with a progress bar; ``--dask`` runs them on a cluster. ``source --part ... --at ...``
    sources one order instead (:mod:`._source`).
``fit``, ``number``, ``vin``, ``where``, ``offer``
    Quick lookups printing a small table.
``synth``, ``bench``
    A generated catalogue with inputs for every job; a quick benchmark on one.

The contract
------------
Answers and summaries go to stdout; progress goes to stderr (a rich bar on a terminal, a plain
line every few seconds otherwise; nothing with ``--quiet``). A user mistake (a missing file, a
bad column, an unknown id, an invalid VIN, a wrong argument) ends with one line on stderr,
``yunpei-match: error: ...``, and exit status 2, never a traceback. Anything else is a bug: it
propagates with its traceback (exit status 1). Ctrl-C ends a command with status 130 and SIGTERM
with 143, each after the job has removed what it was writing (SIGTERM is turned into an
exception while a command runs, so the same clean-up runs as for an error).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from .._version import __version__
from ..errors import YunpeiMatchError
from ._batch import add_batch_commands, add_build
from ._bench import add_bench
from ._common import Parser, UsageError, examples
from ._lookups import add_lookups
from ._source import add_source
from ._synth import add_synth

__all__ = ["main"]

#: Errors that mean the user asked for something that cannot be: one line, exit status 2.
USER_ERRORS = (
    YunpeiMatchError,
    UsageError,
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)


def parser() -> Parser:
    """The ``yunpei-match`` argument parser, every subcommand with its help and examples."""
    top = Parser(
        prog="yunpei-match",
        description="Fitment, part-number, VIN and stock matching for auto-parts catalogues. "
        "Batch commands stream parquet to parquet; lookups answer one question. INDEX is a "
        "saved index (yunpei-match build) or a directory of parquet tables.",
        epilog=examples(
            "yunpei-match build data/samples --out out/index",
            "yunpei-match fitment out/index --requests data/samples/requests.parquet "
            "--out out/fitment.parquet",
            "yunpei-match source data/samples --orders data/samples/orders.parquet "
            "--baskets data/samples/baskets.parquet --out out/plans.parquet",
            "yunpei-match fit data/samples V010001 --category 'brake pads'",
            "yunpei-match where data/samples P0100005 --at 22.9944,113.7049",
            "yunpei-match synth out/S --scale S && yunpei-match bench --scale S",
        )
        + "\n\nrun 'yunpei-match COMMAND --help' for a command's options and examples",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_build(commands)
    add_batch_commands(commands)
    add_source(commands)
    add_lookups(commands)
    add_synth(commands)
    add_bench(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; by default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 for a user mistake (one line on stderr), 130 when interrupted, 143
        when terminated (SIGTERM).

    Examples
    --------
    >>> main(["vin", "LFV2A21K6A3092399", "--quiet"])  # doctest: +ELLIPSIS
    VIN LFV2A21K6A3092399 (cn rules)
    ...
      maker           FAW-Volkswagen
    ...
    0
    """
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else 0
    try:
        with _terminate_as_exception():
            args.run(args)
    except USER_ERRORS as exc:
        print(f"yunpei-match: error: {_one_line(exc)}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        print("yunpei-match: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("yunpei-match: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except BrokenPipeError:  # `yunpei-match fit ... | head`: the reader has had enough
        _silence_stdout()
        return 141
    return 0


class Terminated(BaseException):
    """SIGTERM arrived: unwinds the command like Ctrl-C, through every ``finally``."""


@contextmanager
def _terminate_as_exception() -> Iterator[None]:
    """While a command runs, SIGTERM raises :class:`Terminated` (by default it would end the
    process at once, leaving the job's temporary files behind)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: signals are not ours to handle
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests, embedding)
        pass


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, YunpeiMatchError) and exc.filename:
        return f"{exc.strerror or exc}: {exc.filename}"
    # Lines joined by a space; not str.split(), which would turn a full-width space a user typed
    # (U+3000, whitespace to Python) into an ASCII one.
    lines = (line.strip(" \t") for line in str(exc).splitlines())
    return " ".join(line for line in lines if line) or type(exc).__name__
