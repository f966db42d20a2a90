"""Child-process side of net.run_with_deadline: read (fn, args, kwargs) from stdin, call it, write
("ok", result) or ("error", (exception type, message)) to stdout, both pickled."""

from __future__ import annotations

import os
import pickle
import sys


def main() -> None:
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
