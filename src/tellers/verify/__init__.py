"""Checks of tellers' counts against official declarations and peer programs' results."""
