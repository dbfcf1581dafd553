"""ASGI entry point. Prefer WSGI (myphoto serve): under ASGI Django buffers
synchronous streaming responses whole, which defeats streamed downloads."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myphoto.settings")
application = get_asgi_application()
