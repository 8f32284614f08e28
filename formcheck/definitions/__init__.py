"""Exercises as data: the vocabulary a definition may use, the schema of ``poses/*.toml``, loading, and per-user
targets.
"""
