"""The Content-Security-Policy every page is served with (settings.CONTENT_SECURITY_POLICY).

No inline script anywhere. Inline style attributes carry each tile's aspect ratio
(and each scrubber year's share); <style> elements are refused. Where browsers
reach the bucket (direct uploads; downloads in redirect mode) the middleware adds
the storage's origins, from the storage configured.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY_DEFAULT = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
