"""The text package's strings under their usual names: the corpus picker's table (strings_corpus.py,
shared by the sequence pages) and the page "Text and vocabularies"'s (strings_vocab.py)."""
from engine.text.strings_corpus import CORPUS_STRINGS
from engine.text.strings_vocab import STRINGS

__all__ = ["CORPUS_STRINGS", "STRINGS"]
