"""The write paths: each service owns its transaction and the order of its side effects."""
