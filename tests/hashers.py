"""Passwords hashed as the server hashes them, with fewer rounds: Django's PBKDF2 takes
0.4 s of a core for each password set or checked, and most tests make a user or log in.
The rounds are written into each hash, so a server the tests start as a process (with
Django's own rounds) checks these hashes too."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2(PBKDF2PasswordHasher):
    iterations = 1_000
