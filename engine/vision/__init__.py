"""Convolutional networks (d2l §7.1–7.6, §8.1, §8.3). One module per job:

- ``conv``: the book's ``corr2d``, ``Conv2D``, multi-channel and 1×1 functions, the output-size formula, and
  the convolution playground page (``Settings``, ``run``);
- ``learn_kernel``: the book's kernel learned by gradient descent (page "Learning a kernel");
- ``pooling``: the book's ``pool2d`` and the pooling page;
- ``nets``: LeNet, AlexNet, NiN as the book builds them; layer tables, feature maps, receptive fields;
- ``training``: the shared CNN training loop on the image data (``train_ch6`` on tensors in memory);
- ``lenet`` and ``modern``: the LeNet and the AlexNet/NiN pages;
- ``figures``; ``strings`` (shared) and ``strings_<page>``.
"""
