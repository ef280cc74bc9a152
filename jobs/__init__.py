"""Scheduled work: daily posts, answer reveals, session timers. Jobs hold ids and call the core."""
