"""What goes in and out of the API, by domain, as the routers are: each router imports the
schemas of its own domain (`from .schemas.albums import AlbumOut`)."""
