"""Landmarks: the ``Pose`` type, MediaPipe backends converting to it once, saved-landmark recording and replay,
pure geometry.
"""
