"""lint -j: the files of a run checked in several processes; the run-wide rules see them all after.

Each worker process checks whole files with a Run of the same options and hands back what it
found (Run.export); the parent absorbs the results in the order of the files, so the output is
the same as one process gives. Reference data is read once per worker process.
"""

from __future__ import annotations

from ordspec.pipeline.run import Run


def check(run: Run, files: list[str], workers: int, stdin) -> None:
    """Check `files` ('-': stdin(), which gives (name, bytes)) in `workers` processes into `run`."""
    from concurrent.futures import ProcessPoolExecutor

    items = [(path, *stdin()) if path == "-" else (path, None, None) for path in files]
    options = {
        "broker": run.broker,
        "instruments": run.inputs.instruments,
        "quotes": run.inputs.quotes,
        "state": run.inputs.state_path,
        "as_of": run.as_of,
        "derive_keys": run.derive_keys,
        "gateway": run.gateway,
        "config": run.config,
    }
    chunk = max(1, len(items) // (workers * 4))
    with ProcessPoolExecutor(workers, initializer=_worker_init, initargs=(options,)) as pool:
        for result in pool.map(_worker_check, items, chunksize=chunk):  # map keeps the input order
            run.absorb(result)


_WORKER: dict = {}
_SHARED: dict = {}  # the worker's reference data, read by its first file


def _worker_init(options: dict) -> None:
    _WORKER.update(options)


def _worker_check(item) -> dict:
    """One file, in a worker process."""
    path, name, data = item
    run = Run(**_WORKER)
    if "refdata" in _SHARED:
        run.inputs.refdata = _SHARED["refdata"]
    source = run.read(path, name, data)
    if source is not None:
        for _ in run.checked(source):
            pass
    if run.inputs.refdata is not None:
        _SHARED["refdata"] = run.inputs.refdata
    return run.export()
