"""`make bench`: the season (section 1) and the parts beside their peers (section 2), one run,
one report. See `python -m zc.bench --help`; figures, never assertions."""
