"""The web pages, by domain: each view parses the request, calls one selector or service,
and renders or redirects.

    timeline   the timeline, and what every timeline-shaped page shares; one photo's page
    photos     upload, download, delete with undo;  selection  what is done with ticked photos
    trash  albums  shared (a link's pages, no account)  search  places
    account    the Settings page: tokens and the password; the locked-out login
    health     the staff's Library health page, and the load balancer's probes
    forms  tiles (what a grid shows, worked out once a page)  context_processors
"""
