from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from myphoto.photos.api import api
from myphoto.photos.web import login, sso

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/login/", login.Login.as_view(), name="login"),
    path("accounts/login/code", login.login_code, name="login-code"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Single sign-on (MYPHOTO_OIDC_*; 404 when it is not set up): mozilla-django-oidc's names.
    path("oidc/authenticate/", sso.SignInStart.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso.SignInCallback.as_view(), name="oidc_authentication_callback"),
    # The scripts' sentences in the reader's language (gettext and ngettext for js/i18n.js).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("myphoto.photos.urls")),
]

# Past a view's own answers: the database away or not ready is a 503, never a 500 page.
handler500 = "myphoto.photos.web.errors.server_error"
