"""Notify's decisions, pure: who hears of an event, by which channel, in which words, and what
a send's outcome leads to. No I/O; the time is passed in."""
