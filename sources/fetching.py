"""Fetching URLs without letting a submitted URL reach inside our own network (SSRF).

Only http and https. The host name is resolved and every address it resolves to is
checked (loopback, private, link-local, multicast, reserved, unspecified and other
non-global addresses are refused, IPv4 and IPv6); the connection then goes to the very
address that was checked, so a second DNS answer cannot swap it. Redirects are followed
by hand, each hop checked the same way. Timeouts bound connecting and reading, the body
is capped while it streams, and only text-like content types are accepted.

`SOURCES_FETCH_ALLOWED_HOSTS` names hosts that may be reached on private addresses (the
tests' local server).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from sources.formats import human_size

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 20.0
# A server trickling bytes must not hold a worker for long either.
TOTAL_TIMEOUT = 60.0
MAX_REDIRECTS = 5
CHUNK_SIZE = 64 * 1024
USER_AGENT = "timeline-explorer/1.0 (+https://github.com/; source ingestion)"
ALLOWED_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
        "application/json",
    }
)
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# Worth trying again later: the server or the network may recover.
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}


class FetchError(Exception):
    """A URL could not be fetched; the message is for a person. `transient` errors may
    succeed if tried again later."""

    transient = False


class TransientFetchError(FetchError):
    transient = True


class BlockedAddress(FetchError):
    """The URL points at an address we must not connect to."""


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str = ""
    charset: str | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    max_bytes: int | None = None,
    allowed_types: frozenset[str] = ALLOWED_CONTENT_TYPES,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
) -> Fetched:
    """GET `url` safely, following redirects; raises FetchError with a human reason."""
    max_bytes = settings.SOURCE_MAX_BYTES if max_bytes is None else max_bytes
    deadline = time.monotonic() + TOTAL_TIMEOUT
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        response = _request(
            current, headers or {}, connect_timeout=connect_timeout, read_timeout=read_timeout
        )
        try:
            if response.status in REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{current} redirects without saying where to.")
                current = urljoin(current, location.strip())
                continue
            return _read(current, response, max_bytes, allowed_types, deadline)
        finally:
            response.close()
    raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times.")


def check_url(url: str) -> tuple[str, int, str]:
    """(host, port, vetted address) for `url`, or FetchError/BlockedAddress."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError(f"{url!r} is not a valid URL.") from None
    if parts.scheme not in {"http", "https"}:
        raise FetchError(f"Only http and https URLs can be fetched, not {parts.scheme or 'this'}.")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url!r} names no host.")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TransientFetchError(f"The host {host} could not be found ({exc}).") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise TransientFetchError(f"The host {host} could not be found.")
    if not _allow_listed(host):
        for address in addresses:
            reason = blocked_reason(address)
            if reason:
                raise BlockedAddress(
                    f"Refused to fetch {url}: {host} is {reason} address ({address}), "
                    "which this server must not reach."
                )
    return host, port, addresses[0]


def blocked_reason(address: str) -> str | None:
    """Why an address may not be connected to, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = [
        ("is_unspecified", "an unspecified"),
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_multicast", "a multicast"),
        ("is_private", "a private"),
        ("is_reserved", "a reserved"),
    ]
    for attribute, reason in checks:
        if getattr(ip, attribute):
            return reason
    if not ip.is_global:
        return "a non-public"
    return None


def _allow_listed(host: str) -> bool:
    allowed = {entry.lower().strip("[]") for entry in settings.SOURCES_FETCH_ALLOWED_HOSTS}
    return host.lower() in allowed


class _VettedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address while the Host header names the host."""

    def __init__(self, host: str, port: int, address: str, **kwargs) -> None:
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _VettedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS verified for the host name (SNI and certificate)."""

    def __init__(self, host: str, port: int, address: str, **kwargs) -> None:
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _request(
    url: str, headers: dict[str, str], *, connect_timeout: float, read_timeout: float
) -> http.client.HTTPResponse:
    host, port, address = check_url(url)
    parts = urlsplit(url)
    connection_class = _VettedHTTPSConnection if parts.scheme == "https" else _VettedHTTPConnection
    connection = connection_class(host, port, address, timeout=connect_timeout)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    request_headers = {
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(sorted(ALLOWED_CONTENT_TYPES)),
        # Compressed bodies could expand past the size cap after we counted them.
        "Accept-Encoding": "identity",
        **headers,
    }
    try:
        connection.connect()
        connection.sock.settimeout(read_timeout)
        connection.request("GET", path, headers=request_headers)
        return connection.getresponse()
    except TimeoutError:
        connection.close()
        raise TransientFetchError(f"{url} did not answer in time (timed out).") from None
    except ssl.SSLError as exc:
        connection.close()
        raise FetchError(f"{url}: the secure connection failed ({exc.reason}).") from None
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise TransientFetchError(f"{url} could not be reached ({exc}).") from None


def _read(
    url: str,
    response: http.client.HTTPResponse,
    max_bytes: int,
    allowed_types: frozenset[str],
    deadline: float,
) -> Fetched:
    headers = {name.lower(): value for name, value in response.getheaders()}
    fetched = Fetched(url=url, status=response.status, headers=headers)
    if response.status == 304:
        return fetched
    if response.status >= 400:
        error = TransientFetchError if response.status in TRANSIENT_STATUSES else FetchError
        raise error(f"{url} answered {response.status} {response.reason}.")
    if response.status != 200:
        raise FetchError(f"{url} answered {response.status} {response.reason}, not a page.")
    content_type = headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type and media_type not in allowed_types:
        raise FetchError(f"{url} is {media_type}, a content type that cannot be a source.")
    fetched.content_type = media_type
    fetched.charset = _charset(content_type)
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(
            f"{url} is {human_size(int(length))}; sources may be at most {human_size(max_bytes)}."
        )
    chunks: list[bytes] = []
    received = 0
    try:
        while chunk := response.read1(CHUNK_SIZE):
            received += len(chunk)
            if received > max_bytes:
                raise FetchError(f"{url} is larger than {human_size(max_bytes)}, the limit.")
            if time.monotonic() > deadline:
                raise TransientFetchError(f"{url} took too long to download.")
            chunks.append(chunk)
    except TimeoutError:
        raise TransientFetchError(f"{url} stopped sending data (timed out).") from None
    except (OSError, http.client.HTTPException) as exc:
        raise TransientFetchError(f"{url}: the download broke off ({exc}).") from None
    fetched.body = b"".join(chunks)
    return fetched


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
