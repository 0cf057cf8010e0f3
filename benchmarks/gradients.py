"""Vanishing/exploding gradients, clipping and gradient checking: the heaviest allowed setting of
each page's computation (the bounds promise a few seconds on 2 CPU cores), with quality figures,
and d2l's grad_clipping next to torch.nn.utils.clip_grad_norm_ measured in the same run."""
from __future__ import annotations

import math
import os

import torch

from benchmarks.timing import best_of, median_of
from engine.gradients import bptt as BP, clipping as CL, deep_nets as DN, grad_check as GC, scalar_chain as SC


def run():
    for record in _run():
        record["load_average"] = round(os.getloadavg()[0], 1)     # the shared machine's load while measuring
        # inf/NaN are results here (an exploding setting); write them as text so the line stays strict JSON
        yield {k: (str(v) if isinstance(v, float) and not math.isfinite(v) else v) for k, v in record.items()}


def _run():
    s = SC.Settings(w=5.0, T=1000)
    seconds, r = best_of(lambda: SC.run(s), repeat=3)
    yield {"name": "gradients.scalar_chain.heaviest", "seconds": round(seconds, 4), "T": s.T,
           "float32_inf_at": r.overflow32[0], "float64_inf_at": r.overflow64[0], "exact_log10": r.exact_log10}
    book = SC.run(SC.Settings())
    yield {"name": "gradients.scalar_chain.book", "exact": SC.exact_text(book.exact)[0],
           "float64_rel_error": abs(book.float64 / float(book.exact) - 1),
           "float32_rel_error": abs(book.float32 / float(book.exact) - 1), "math_pow": math.pow(1.01, 999)}

    for act, init, sigma in (("relu", "he", 0.01), ("identity", "normal", 10.0), ("tanh", "xavier_uniform", 0.01)):
        s = DN.Settings(num_layers=50, width=256, activation=act, init=init, sigma=sigma)
        seconds, r = best_of(lambda: DN.run(s), repeat=2)
        yield {"name": f"gradients.deep_nets.heaviest.{act}_{init}", "seconds": round(seconds, 3),
               "layers": s.num_layers, "width": s.width, "act_ratio": r.act_ratio, "grad_ratio": r.grad_ratio,
               "first_bad_activation": r.act_bad, "gain": r.gain}

    s = BP.Settings(num_hiddens=128, num_steps=200, sigma_max=5.0, matrix="random")
    seconds, r = best_of(lambda: BP.run(s), repeat=2)
    yield {"name": "gradients.bptt.heaviest", "seconds": round(seconds, 3), "num_hiddens": s.num_hiddens,
           "num_steps": s.num_steps, "linear_inf_at": r.bad["linear"][0], "spectral_radius": r.spectral_radius}
    ortho = BP.run(BP.Settings(num_hiddens=128, num_steps=200, sigma_max=1.3, matrix="orthogonal"), dtype=torch.float64)
    d = ortho.steps
    yield {"name": "gradients.bptt.orthogonal_theory", "max_rel_error_vs_sigma_t": float((d["linear"] / d["theory"] - 1).abs().max())}

    for label, s in (("default", CL.Settings()), ("heaviest", CL.Settings(num_steps=100, num_iters=300, batch_size=64))):
        seconds, r = best_of(lambda: CL.run(s), repeat=2)
        yield {"name": f"gradients.clipping.{label}", "seconds": round(seconds, 3), "updates": 2 * s.num_iters,
               "plain_diverged_at": r.divergence_plain.step if r.divergence_plain else None,
               "clipped_final_loss": float(r.clipped["loss"].iloc[-1]), "clipped_share": r.clipped_share,
               "capped_by": r.stop_reason}

    torch.manual_seed(0)
    net = torch.nn.GRU(32, 64)
    net(torch.randn(20, 8, 32))[0].sum().backward()
    grads = [p.grad.clone() for p in net.parameters()]

    def reset():
        for p, g in zip(net.parameters(), grads):
            p.grad = g.clone()
    ours = median_of(lambda: (reset(), CL.grad_clipping(net, 1.0)), repeat=50)
    ref = median_of(lambda: (reset(), torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)), repeat=50)
    yield {"name": "gradients.grad_clipping_vs_clip_grad_norm", "seconds": round(ours, 6), "reference_seconds": round(ref, 6),
           "ratio": round(ours / ref, 2)}

    for label, s in (("default", GC.Settings()), ("heaviest", GC.Settings(num_hiddens=16, batch_size=64, dropout="fresh_mask")),
                     ("heaviest_bug", GC.Settings(num_hiddens=16, batch_size=64, bug="W1_transposed"))):
        seconds, r = best_of(lambda: GC.run(s), repeat=2)
        yield {"name": f"gradients.grad_check.{label}", "seconds": round(seconds, 3), "evaluations_of_J": r.evaluations,
               "overall_rel_error": r.overall, "located": list(r.located)}
