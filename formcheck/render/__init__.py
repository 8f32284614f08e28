"""Feedback drawn on frames: the skeleton, gauges, counts and cue, and the annotated video."""
