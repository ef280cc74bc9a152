"""Contributions: proposals of new or edited entries, and the moderators who decide them."""
