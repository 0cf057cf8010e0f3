"""Datasets: downloaded on demand, verified by checksum, cached under data/cache/."""
from engine.datasets.download import CACHE_DIR, DownloadError, fetch, sha1_of

__all__ = ["CACHE_DIR", "DownloadError", "fetch", "sha1_of"]
