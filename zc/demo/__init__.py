"""`python -m zc.demo`: a short filing season on the running stack (what `make up` shows)."""
