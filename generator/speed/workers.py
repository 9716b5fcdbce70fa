"""Work done in other processes, so that a big board uses every core.

``parse_all``: many files parsed by a pool of forked workers.
``beside(make, worth_it)``: ``make()`` in a forked process on the second core
while the caller goes on (a big board's ledger, printed board and search
index are made beside its branch pages and MkDocs' work).  Both give the same
values as doing the work in this process, which they do when it would not pay.
"""

from __future__ import annotations

import concurrent.futures
import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from generator.speed import cache

if TYPE_CHECKING:
    from generator.speed.reading import Parse, Source

PARALLEL_FROM = 200  # files: below this, starting worker processes costs more than it saves
BIG_BOARD = 200  # branches: from here work done ``beside`` the build saves more than forking costs
T = TypeVar("T")


def _pickled(job: tuple[Parse, Source]) -> bytes:
    """One parse in a worker, pickled once: the bytes it sends are the bytes the parent stores."""
    parse, source = job
    return cache.encode(parse(source))


def parse_all(parse: Parse, sources: list[Source], place: Path | None) -> Iterator[tuple[tuple, bytes | None]]:
    """Each source's result and, when there is a cache to keep it in, its pickle."""
    workers = min(os.cpu_count() or 1, 8)
    if len(sources) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for source in sources:
            result = parse(source)
            yield result, (cache.encode(result) if place is not None else None)
        return
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        chunks = max(1, len(sources) // (workers * 8))
        for blob in pool.map(_pickled, [(parse, source) for source in sources], chunksize=chunks):
            yield pickle.loads(blob), blob


def beside(make: Callable[[], T], worth_it: bool = True) -> Callable[[], T]:
    """Start ``make()`` in a forked process; the returned function waits for its value.

    The caller goes on with its own work meanwhile, so one build uses both
    cores.  The child inherits everything (nothing is pickled on the way in;
    the value is pickled once on the way back) and any exception it raises is
    raised again by the returned function.  When not ``worth_it``, on one core
    or without fork, ``make`` runs when its value is asked for: the same value.
    """
    if not worth_it or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return make
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_make_and_send, args=(make, send), daemon=True)
    child.start()
    send.close()

    def value() -> T:
        try:
            data = receive.recv_bytes()
        except EOFError:  # the child died before sending (killed, out of memory)
            data = b""
        finally:
            receive.close()
            child.join()
        if not data:
            raise RuntimeError(f"a worker process ended without a result (exit code {child.exitcode})")
        ok, result = pickle.loads(data)
        if not ok:
            raise result
        return result

    return value


def _make_and_send(make: Callable[[], object], send: multiprocessing.connection.Connection) -> None:
    """The forked child's whole life: make the value, send it (or the exception) back."""
    gc.disable()  # short-lived: nothing it makes is garbage before it ends
    try:
        message = (True, make())
    except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
        message = (False, error)
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001 - an exception that cannot be pickled: its text then
        data = pickle.dumps((False, RuntimeError(repr(message[1] if not message[0] else error))))
    send.send_bytes(data)
    send.close()
