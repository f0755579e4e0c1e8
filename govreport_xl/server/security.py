"""Secrets and who may do what: staff passwords (argon2), tokens of selector + secret whose secret
is compared in constant time, body links signed with the server's key, CSRF tokens for forms, and
rate limits on everything a guesser would try.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SELECTOR_LEN = 12  # looked up by index; the rest of a token is the secret
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """True if it matches; an unknown user costs the same time as a wrong password."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> tuple[str, str, str]:
    """(token, selector, hash of the secret) for a session or API token."""
    token = secrets.token_urlsafe(32)
    return token, token[:SELECTOR_LEN], secret_hash(token)


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(stored_hash: str, token: str) -> bool:
    return hmac.compare_digest(stored_hash, secret_hash(token))


def selector_of(token: str) -> str | None:
    return token[:SELECTOR_LEN] if isinstance(token, str) and 32 <= len(token) <= 128 else None


class LinkSigner:
    """A body's private link: a random selector and its HMAC under the server's key. The key
    stays in the data folder (or GOVREPORT_SECRET), so a copy of the database alone gives no link;
    the office can show a body's link again at any time; re-issuing draws a new selector."""

    def __init__(self, key: bytes):
        self.key = key

    def _mac(self, selector: str) -> str:
        mac = hmac.new(self.key, b"body-link:" + selector.encode(), hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    @staticmethod
    def new_selector() -> str:
        return secrets.token_urlsafe(9)  # 12 characters

    def token(self, selector: str) -> str:
        return selector + self._mac(selector)

    def verify(self, token: str) -> str | None:
        """The selector of a genuine link, else None."""
        if not isinstance(token, str) or len(token) != 36:
            return None
        selector, mac = token[:SELECTOR_LEN], token[SELECTOR_LEN:]
        return selector if hmac.compare_digest(mac, self._mac(selector)) else None


def server_key(data_dir: Path) -> bytes:
    """GOVREPORT_SECRET, or the key file in the data folder (made on first start, readable by the
    server's user only). Several workers on one data folder share it."""
    if env := os.environ.get("GOVREPORT_SECRET"):
        return env.encode()
    path = Path(data_dir) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    return path.read_bytes().strip()


class RateLimiter:
    """At most `limit` events per key in a sliding `window` of seconds (in this process: at national
    scale the proxy limits too, see the README)."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._events: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            events = self._events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 100_000:  # keys of a flood are not kept for ever
                for k in [k for k, v in self._events.items() if not v]:
                    del self._events[k]
            return True


def csrf_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_matches(cookie: str | None, field: str | None) -> bool:
    return bool(cookie) and bool(field) and hmac.compare_digest(str(cookie), str(field))
