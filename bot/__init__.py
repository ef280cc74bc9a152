"""HubBot's core: content, search, commands and replies. No chat platform is imported here."""
