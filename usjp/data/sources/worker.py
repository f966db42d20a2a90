"""Child-process side of net.run_with_deadline: read (fn, args, kwargs) from stdin, call it, write
("ok", result) or ("error", (exception type, message)) to stdout, both pickled.

`python -m usjp.data.sources.worker LIFELINE_FD`. Before anything else the worker starts a watchdog
thread that kills the worker's process group (the worker and any helper it started) when the
parent's end of the lifeline pipe closes, which happens however the parent ends. Why this and not a
parent-death signal: the comment opening net.py's hard-deadline section.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading


def die_with_parent(lifeline: int) -> None:
    """Watch the lifeline (the parent never writes to it) and end the group when it reads end-of-file."""
    threading.Thread(target=_watch, args=(lifeline,), name="lifeline", daemon=True).start()


def _watch(lifeline: int) -> None:
    while True:
        try:
            if not os.read(lifeline, 1):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    _end_group()


def _end_group() -> None:
    """SIGKILL our process group (this worker and any helper it started), or just ourselves when we
    do not lead a group of our own: never the group of whoever started us."""
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(1)


def main() -> None:
    die_with_parent(int(sys.argv[1]))
    request = sys.stdin.buffer.read()
    result = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever the library prints goes to stderr, never into the result stream
    try:
        fn, args, kwargs = pickle.loads(request)
        outcome = pickle.dumps(("ok", fn(*args, **kwargs)))
    except BaseException as exc:  # every failure is reported to the parent, which decides
        outcome = pickle.dumps(("error", (type(exc).__name__, str(exc))))
    with result:
        result.write(outcome)


if __name__ == "__main__":
    main()
