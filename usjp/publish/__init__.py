"""What leaves the app as a file: the timeline view as an image (PNG, SVG, PDF), its data and events as
CSV, an interactive HTML embed, a receipt of where every number came from, a citation and a data package,
all from the figure and words the app draws (usjp/figures), so an export says what the page says.

`export.export_view` is the one entry point (the Download panel and `python -m usjp export` call it);
each format is a small module named after what it makes (sizes, image, tables, embed, permalink, cite,
receipt, package). Pure: the caller passes the data (`TimelineData`); the command line reads it from the
stores (usjp/cli/export.py), the app through its cached loaders.
"""
