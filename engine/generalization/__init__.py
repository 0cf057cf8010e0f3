"""Generalization (d2l-zh 4.4–4.6 and 4.10; d2l §3.6–3.7, §5.6–5.7; Ng course 2): four lessons.

- ``polynomial``: under- and overfitting with the book's polynomial, every degree at once.
- ``weight_decay``: the book's high-dimensional linear regression, from scratch and concise.
- ``dropout``: ``dropout_layer`` and the book's two-hidden-layer MLP, with and without dropout.
- ``kfold``: K-fold cross-validation, choosing λ or the degree, then one look at the test set.
"""
