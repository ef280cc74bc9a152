"""The daily interview question: subscriptions, selection, exactly-once posting, participation.

Scheduling lives in jobs/daily.py; adapters report thread answers through the hub
(`Hub.record_thread_answer`).
"""

from bot.daily.models import DailyAnswer, DailyPost, DailySubscription, PostStatus, RevealStatus
from bot.daily.participation import leaderboard, record_answer, record_thread_answer, streak

__all__ = [
    "DailyAnswer",
    "DailyPost",
    "DailySubscription",
    "PostStatus",
    "RevealStatus",
    "leaderboard",
    "record_answer",
    "record_thread_answer",
    "streak",
]
