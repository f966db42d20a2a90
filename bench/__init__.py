"""Performance and load measurements: `make bench` (ours against a floor app) and `make load`."""
