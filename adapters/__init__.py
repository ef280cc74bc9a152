"""Chat platform adapters: each translates platform events into core calls and replies back."""
