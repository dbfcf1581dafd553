"""What the server and the client both need, without Django: names, formats, folder walking.

Imports go one way: `myphoto.photos` (the server) and `myphoto.client` import
from here; this package imports neither.
"""
