"""The multilayer perceptron (d2l §4.1–4.6). Sub-packages: ``activations`` (the functions and
the linear-collapse demo) and, to come, the MLP on images and the 2-D playground."""
