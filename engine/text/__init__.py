"""Text corpora and vocabularies (d2l §9.2–9.3): tokenize, Vocab, corpus_ids; generated corpora,
uploads (encoding detection), The Time Machine; the text-and-vocabulary lesson's analysis (Zipf's law, the long
tail, Laplace smoothing, minibatch partitioning) and figures."""
from engine.text.analysis import (Analysis, Settings, analyse, compare_exponents, ngram_frame, ngrams,
                                  show_token, vocab_frame, zipf_fit, zipf_frame)
from engine.text.corpora import (SOURCES, CorpusSettings, DEFAULT_CHARS, GENERATED, RECALL_ALPHABET, RECALL_MAX_DISTANCE, RECALL_NUM_PAIRS,
                                 brackets_text, chinese_text, english_text, generate, max_nesting, recall_min_distance,
                                 recall_task, recall_text, recall_vocab)
from engine.text.figures import fig_partition, fig_smoothing, fig_top, fig_zipf
from engine.text.ngram_lm import (Smoothing, SmoothedBigram, laplace_bigram, laplace_unigram, pick_context,
                                  singletons, smoothed_bigram)
from engine.text.partition import Partition, book_printout, minibatches, partition_frame, sequential_is_contiguous
from engine.text.strings import CORPUS_STRINGS, STRINGS
from engine.text.timemachine import (TIME_MACHINE_SHA1, TIME_MACHINE_URL, load_time_machine, time_machine_cached,
                                    time_machine_corpus)
from engine.text.upload import (DEFAULT_MAX_CHARS, MIN_CHARS, MIN_DISTINCT, Upload, UploadError, decode_upload,
                                decode_upload_info, detect_encoding, is_chinese)
from engine.text.vocab import UNK, Corpus, Vocab, corpus_ids, count_corpus, preprocess_time_machine, tokenize

__all__ = [
    "UNK", "Corpus", "Vocab", "corpus_ids", "count_corpus", "preprocess_time_machine", "tokenize",
    "DEFAULT_CHARS", "GENERATED", "RECALL_ALPHABET", "RECALL_MAX_DISTANCE", "RECALL_NUM_PAIRS", "brackets_text",
    "chinese_text", "english_text", "generate", "max_nesting", "recall_min_distance", "recall_task", "recall_text",
    "recall_vocab",
    "DEFAULT_MAX_CHARS", "MIN_CHARS", "MIN_DISTINCT", "Upload", "UploadError", "decode_upload", "decode_upload_info",
    "detect_encoding", "is_chinese",
    "TIME_MACHINE_SHA1", "TIME_MACHINE_URL", "load_time_machine", "time_machine_cached", "time_machine_corpus",
    "Smoothing", "SmoothedBigram", "laplace_bigram", "laplace_unigram", "pick_context", "singletons", "smoothed_bigram",
    "Partition", "book_printout", "minibatches", "partition_frame", "sequential_is_contiguous",
    "SOURCES", "Analysis", "CorpusSettings", "Settings", "analyse", "compare_exponents", "ngram_frame", "ngrams", "show_token",
    "vocab_frame", "zipf_fit", "zipf_frame", "fig_partition", "fig_smoothing", "fig_top", "fig_zipf", "CORPUS_STRINGS", "STRINGS",
]
