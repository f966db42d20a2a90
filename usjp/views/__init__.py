"""URL <-> typed view, one module per page; pure (bad values become notices, never errors)."""
