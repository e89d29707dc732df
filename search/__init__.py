"""Read side: retrieve (BM25, dense), fuse, build hits, answer."""
