"""The textbook peer: the same visit endpoint as DRF's documentation would have it written, with
its own settings and database, for bench/peer_compare.py to run alternately with the project."""
