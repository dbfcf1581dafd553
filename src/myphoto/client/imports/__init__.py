"""Bringing a library over from Google Photos (Takeout) or iCloud Photos (its export):
read in place, matched by each service's rules, sent through the API."""
