"""The `myphoto` client commands: talk to a MyPhoto server over its REST API.

Nothing here imports Django: the client runs on any machine with the package.
"""
