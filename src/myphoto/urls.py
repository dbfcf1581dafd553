from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic.base import RedirectView
from django.views.i18n import JavaScriptCatalog

from myphoto.photos.api import api
from myphoto.photos.web import app_shell, dav, login, sso

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/login/", login.Login.as_view(), name="login"),
    path("accounts/login/code", login.login_code, name="login-code"),
    path("accounts/logout/", app_shell.Logout.as_view(), name="logout"),
    # Single sign-on (MYPHOTO_OIDC_*; 404 when it is not set up): mozilla-django-oidc's names.
    path("oidc/authenticate/", sso.SignInStart.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso.SignInCallback.as_view(), name="oidc_authentication_callback"),
    # The installable web app (web/app_shell.py): at the root, where browsers look.
    path("manifest.webmanifest", app_shell.manifest, name="manifest"),
    path("sw.js", app_shell.service_worker, name="service-worker"),
    path("offline/", app_shell.offline, name="offline"),
    path("share-target/", app_shell.share_target, name="share-target"),
    path("favicon.ico", RedirectView.as_view(url=static("photos/icons/favicon.ico"))),
    # WebDAV for backup apps (web/dav.py), every method and path under it.
    re_path(r"^dav(?:/(?P<path>.*))?$", dav.dav, name="dav"),
    # The scripts' sentences in the reader's language (gettext and ngettext for js/i18n.js).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("myphoto.photos.urls")),
]

# Past a view's own answers: the database away or not ready is a 503, never a 500 page.
handler500 = "myphoto.photos.web.errors.server_error"
