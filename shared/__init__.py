"""Gridline's shared package: event contracts, topics, settings and delivery plumbing.

Services import only from here, never from one another.
"""
