"""Racing real threads against the real database: start together at a barrier, keep what each
returned or raised, close each thread's connections."""

import threading

from django.db import connections


def run_in_threads(count, work):
    """`work(i)` in `count` threads released together; a list of their results or exceptions."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def body(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # recorded, asserted by the caller
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results
