"""Optimization algorithms (d2l §12.3–12.11; Ng, course 2, weeks 2–3). One module per job, each page's
with its own frozen ``Settings`` and ``run(settings, seed, device, on_step, budget) -> Result``:

- ``rules``: SGD, momentum, AdaGrad, RMSprop and Adam from scratch (one pure rule each, for numpy
  points and torch weights alike; ``Scratch`` gives them ``torch.optim``'s interface), their
  ``torch.optim`` counterparts, and the learning-rate schedules of §12.11;
- ``paths``: a point moved by a rule on a function known in closed form (d2l's ``train_2d``);
- ``descent`` (page "Gradient descent and the learning rate"), ``minibatch`` ("Minibatch SGD"),
  ``averages`` ("Exponentially weighted averages"), ``surfaces`` ("Momentum, AdaGrad, RMSprop, Adam"),
  ``network`` ("Optimizers on a real network", on ``engine.mlp``'s network and data);
- ``figures``, ``figures_training``; ``strings`` (shared) and ``strings_<page>``.
"""
