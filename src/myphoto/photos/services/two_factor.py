"""Two-step verification: after the password, a code from an authenticator app (TOTP, by
django-otp), or one of ten recovery codes, each good once. API tokens are not passwords and
are not asked for a code."""

from __future__ import annotations

from base64 import b32encode

from django.db import transaction
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import qr
from ..models import User

RECOVERY_CODES = 10
_APP = "authenticator app"
_RECOVERY = "recovery codes"


def two_factor_enabled(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def two_factor_begin(user: User) -> TOTPDevice:
    """A new secret for the person's app, not in use until a code from it confirms it."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=_APP, confirmed=False)


def two_factor_enrolling(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def two_factor_confirm(user: User, code: str) -> list[str] | None:
    """Turn two-step verification on if `code` comes from the app just set up; return the
    recovery codes (shown once), or None for a wrong code."""
    device = two_factor_enrolling(user)
    if device is None or not device.verify_token(_digits(code)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return recovery_codes_make(user)


def recovery_codes_make(user: User) -> list[str]:
    """Ten new recovery codes in place of any before; shown once, each good once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=_RECOVERY)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__name=_RECOVERY).count())


def two_factor_off(user: User) -> None:
    """Turn it off (the person, with their password; or staff, for someone who lost both
    their phone and their recovery codes)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def two_factor_verify(user: User, code: str) -> Device | None:
    """The device that accepts `code` (the app's, or a recovery code, then spent); None if
    none does. A code already used is refused, and each device slows down after misses."""
    if not two_factor_enabled(user):
        return None
    return match_token(user, _digits(code))


def _digits(code: str) -> str:
    # People type "123 456" as their app shows it, and recovery codes in any case.
    return "".join(code.split()).lower()


def qr_code_svg(device: TOTPDevice, *, label: str) -> str:
    """The QR code an authenticator app scans."""
    return qr.qr_code_svg(device.config_url, label=label)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed instead of scanned: base32, in fours."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
