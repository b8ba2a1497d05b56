"""The analysts' side: the feed into Parquet (`sink`) and the season's figures from it (`report`)."""
