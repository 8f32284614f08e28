"""A whole session: the one per-frame loop shared by analyze, replay and live, the variant that fits, routines
cut into blocks.
"""
