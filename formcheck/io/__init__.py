"""Frames in and files out: video and camera sources (decoding ahead in a thread), scene cuts, atomic writes."""
