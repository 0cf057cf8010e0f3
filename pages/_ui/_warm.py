"""Warm the shared cache at start-up: the lessons' default runs (default settings, seed 0, the
default device) are computed once in a background thread, so the first students who open a lesson
find its result ready instead of queueing behind each other's first runs.

The list below must build exactly the settings that each page builds from its widgets when
nothing is changed: ``tests/app/test_warm.py`` opens every page and checks that each key warmed
here is the key the page asks for. ``DEEPDIVE_WARM=0`` turns warming off (the tests do)."""
from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from typing import Callable, Iterator

import streamlit as st

from engine import device as dev
from engine.budget import Budget
from pages._ui._data import images_namespace
from pages._ui._run import key_of, shared_cache, training_slots

_LOG = logging.getLogger("deepdive.warm")
WARM_SECONDS = 120.0      # per run: a safety net only (warm runs are the defaults, a few seconds each)


def default_runs(seed: int = 0) -> Iterator[tuple[Callable, object, str | None]]:
    """(engine function, settings, the page's cache namespace or None) of every page's default
    computation, cheapest lessons first."""
    import engine.linear_regression as LR
    import engine.mlp as M
    import engine.mlp.playground as P
    import engine.softmax_regression as SR
    from engine.attention import translation as T
    from engine.gradients import clipping as CL, grad_check as GC
    from engine.generalization import dropout as GD, kfold as GK, polynomial as GP, weight_decay as GW
    from engine.optimization import averages as OA, descent as OD, minibatch as OM, network as ON, surfaces as OS
    from engine.language_model import lstm_internals as I
    import engine.language_model as LM
    from engine.datasets.images import load_image_data
    from engine.text import CorpusSettings, generate
    from engine.transformer import char_lm as C, toy
    from engine.vision import lenet as VL, modern as VA

    english = generate(CorpusSettings().corpus, seed)          # the corpus pickers' default
    images = lambda lesson, s: images_namespace(lesson, load_image_data(s.dataset).name)
    yield LR.run, LR.Settings(), None
    yield GC.run, GC.Settings(), None
    yield CL.run, CL.Settings(), None
    yield P.run, P.Settings(), None
    yield OD.run, OD.Settings(), None
    yield GP.run, GP.Settings(), None
    yield GW.run, GW.Settings(), None
    yield GK.run, GK.Settings(), GK.namespace(GK.Settings())
    yield OA.run, OA.Settings(), None
    yield OS.run, OS.Settings(), None
    yield OM.run, OM.Settings(), OM.namespace(OM.Settings().dataset)
    yield SR.run, SR.Settings(), images("softmax_regression", SR.Settings())
    yield M.run, M.Settings(), images("mlp", M.Settings())
    yield GD.run, GD.Settings(), images("dropout", GD.Settings())
    yield ON.run, ON.Settings(), images("optimizers_network", ON.Settings())
    yield VL.run, VL.Settings(), images("lenet", VL.Settings())
    yield VA.run, VA.Settings(), images("alexnet_nin", VA.Settings())
    yield LM.run, dataclasses.replace(LM.Settings(), text_corpus=english), None   # Inside the LSTM's too
    yield I.run_long_range, I.LongRangeSettings(), None
    yield toy.run, toy.Settings(), None
    yield T.run, T.Settings(), None
    yield C.run, dataclasses.replace(C.Settings(), corpus=english), None


def warm_now(seed: int = 0) -> tuple[int, float]:
    """Compute every default run not yet cached; return (runs computed, seconds). Each run takes
    the key's lock (a student who opens that lesson meanwhile waits for this result instead of
    computing it again) and a training slot (so warming never takes more cores than a student)."""
    cache, slots, device = shared_cache(), training_slots(), dev.get_device(None)
    t0, done = time.perf_counter(), 0
    for fn, settings, namespace in default_runs(seed):
        key = key_of(fn, settings, seed, device, namespace)
        with cache.key_lock(key):
            if cache.get(key) is not None:
                continue
            took = slots.acquire(lambda: None, lambda waiting: None)
            try:
                budget = Budget(max_seconds=WARM_SECONDS)
                result = fn(settings, seed=seed, device=device, on_step=None, budget=budget)
            except Exception:                   # a lesson that fails here fails on its page too, clearly
                _LOG.exception("warming %s failed", key[0])
                continue
            finally:
                if took:
                    slots.release()
            if budget.deterministic:
                cache.put(key, result)
                done += 1
    return done, time.perf_counter() - t0


@st.cache_resource(show_spinner=False)
def start_warmup() -> threading.Thread | None:
    """Once per server process: warm the defaults in a daemon thread (prints when done)."""
    if os.environ.get("DEEPDIVE_WARM", "1") == "0":
        return None

    def work():
        import torch
        torch.set_num_threads(1)
        n, seconds = warm_now()
        print(f"DeepDive Lab: warmed {n} default runs in {seconds:.1f} s", flush=True)

    t = threading.Thread(target=work, name="deepdive-warm", daemon=True)
    t.start()
    return t
