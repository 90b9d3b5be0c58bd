"""The Dash app. It reads the events store only; it never imports spaCy or the pipeline."""
