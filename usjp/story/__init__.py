"""Classroom stories: steps that are timeline views with captions, predictions and their reveal, and
the printable handout. Stories are data (data/stories/*.yaml); numbers in captions are computed."""
