"""Linear regression: training time of the book's run, both implementations, and the
quality figures (final loss, parameter errors) next to the closed-form solution."""
from __future__ import annotations

import engine.linear_regression as L
from benchmarks.timing import best_of


def run():
    for impl in ("scratch", "concise"):
        s = L.Settings(impl=impl)
        seconds, r = best_of(lambda: L.run(s, seed=0), repeat=3)
        yield {"name": f"linear_regression.book_run.{impl}", "seconds": round(seconds, 4),
               "steps": s.total_steps, "steps_per_second": round(s.total_steps / seconds),
               "final_loss": r.final_loss, "max_w_error": max(map(abs, r.w_error)), "b_error": abs(r.b_error),
               "closed_form_loss": r.closed_form_loss}
    s = L.Settings(num_examples=10_000, batch_size=1, num_epochs=50)      # the heaviest setting
    seconds, r = best_of(lambda: L.run(s, seed=0), repeat=1)
    yield {"name": "linear_regression.heaviest", "seconds": round(seconds, 3), "steps": len(r.batches) - 1,
           "capped_by": r.stop_reason}
