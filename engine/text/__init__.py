"""Text corpora and vocabularies (d2l §8.2): tokenize, Vocab, generated corpora, uploads, The Time Machine."""
from engine.text.vocab import UNK, Corpus, Vocab, corpus_ids, count_corpus, preprocess_time_machine, tokenize

__all__ = ["UNK", "Corpus", "Vocab", "corpus_ids", "count_corpus", "preprocess_time_machine", "tokenize"]
