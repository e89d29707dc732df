"""zhengce: semantic search and question answering over Chinese policy notices."""

__version__ = "0.1.0"
