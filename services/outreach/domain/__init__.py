"""Outreach's pure rules: rendering notices, who posts them, training counts, register gaps."""
