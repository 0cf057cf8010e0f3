"""Recurrent language models (d2l §9.3–10.3, DLFS2 ch. 5–6): data iterators, RNN/GRU/LSTM from
scratch and concise, training with clipping, generation, and a look inside the LSTM."""
from engine.language_model.concise import RNNModel
from engine.language_model.core import (BOOK_EPOCHS_TO_TARGET, FAST_RUN, FAST_TARGET, fast_run, first_epoch_at, is_fast_run, BOOK_CPU_SECONDS, BOOK_PERPLEXITY, BOOK_RUN, BOOK_SECTION, MAX_TEXT_CHARS, MAX_TEXT_TOKENS, MAX_SLICES, MAX_WORK, Generated, Prepared, Result,
                                        Sampling, Settings, book_run, flops_per_token, generate, is_book_run,
                                        join_tokens, make_net,
                                        num_params, prepare_text, work_per_batch)
from engine.language_model.data import seq_data_iter_random, seq_data_iter_sequential
from engine.language_model.scratch import RNNModelScratch, gru_cell, load_torch_weights, lstm_cell, rnn_cell
from engine.language_model.strings import STRINGS
from engine.language_model.train import (SGD, evaluate_perplexity, make_updater, grad_clipping, live_frames, predict_ch8,
                                         run, train_epoch_ch8)

__all__ = ["RNNModel", "BOOK_CPU_SECONDS", "BOOK_PERPLEXITY", "BOOK_RUN", "BOOK_SECTION", "book_run", "is_book_run",
           "MAX_TEXT_CHARS", "MAX_TEXT_TOKENS", "MAX_SLICES", "MAX_WORK", "Generated", "Prepared", "Result",
           "Sampling", "Settings", "flops_per_token", "generate", "join_tokens", "make_net", "num_params",
           "prepare_text", "work_per_batch", "seq_data_iter_random", "seq_data_iter_sequential", "RNNModelScratch",
           "gru_cell", "load_torch_weights", "lstm_cell", "rnn_cell", "STRINGS", "SGD", "make_updater", "BOOK_EPOCHS_TO_TARGET", "FAST_RUN", "FAST_TARGET", "fast_run", "first_epoch_at", "is_fast_run",
           "evaluate_perplexity", "grad_clipping", "live_frames", "predict_ch8", "run", "train_epoch_ch8"]
