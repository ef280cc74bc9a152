"""Search over the hub's content: `Searcher` keeps an index in memory, fresh with the store."""

from bot.search.index import Doc, Hit, SearchIndex, SearchResult
from bot.search.service import Searcher

__all__ = ["Doc", "Hit", "SearchIndex", "SearchResult", "Searcher"]
