"""Live coaching: the camera loop's controls (keys, pause, set-up check), the window and spoken cues."""
