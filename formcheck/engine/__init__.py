"""One variant frame by frame: features, leg identity, reps, holds and form rules, and what a display shows."""
