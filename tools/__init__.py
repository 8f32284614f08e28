"""Developer tools: rendering the sample clips, saving their landmarks, the README's picture and module table."""
