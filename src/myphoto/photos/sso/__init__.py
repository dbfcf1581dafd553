"""Single sign-on with an OpenID provider (mozilla-django-oidc), configured by
MYPHOTO_OIDC_*: the provider's description, and who a signed-in person is here."""
