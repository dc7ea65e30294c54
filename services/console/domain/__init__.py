"""The console's pure decisions: sign-in and lock-out, who may see what, how things are shown."""
