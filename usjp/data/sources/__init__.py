"""Readers and fetchers for market data: each returns tidy series or raises a clear error."""
