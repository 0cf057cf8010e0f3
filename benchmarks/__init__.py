"""Benchmarks: ``python -m benchmarks [name ...]`` prints one JSON object per line.

Each module ``benchmarks/<lesson>.py`` defines ``run() -> Iterable[dict]``; every dict has at
least ``name`` and ``seconds``, plus the lesson's quality figures and, where there is a
reference (the book's loop), the reference measured in the same run and the ratio.
"""
