"""DeepDive Lab's engine: pure Python + torch, no UI.

Every lesson module has the same shape (see README, "Adding a lesson"):
``Settings`` (a frozen dataclass whose fields carry their bounds), a pure seeded
``run(settings, seed, device, on_step, budget) -> Result``, and ``fig_*`` builders
that return Plotly figures in the shared template (``engine.plotting``).
"""
