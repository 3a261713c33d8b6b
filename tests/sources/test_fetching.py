from __future__ import annotations

import pytest

from sources.fetching import BlockedAddress, FetchError, TransientFetchError, blocked_reason, fetch
from tests.sources.conftest import Page

pytestmark = pytest.mark.usefixtures("allow_local")


def test_it_fetches_from_the_allow_listed_local_server(site):
    site.pages["/a.html"] = Page(b"<p>Hello</p>", content_type="text/html; charset=iso-8859-1")
    fetched = fetch(site.url("/a.html"))
    assert fetched.status == 200
    assert fetched.body == b"<p>Hello</p>"
    assert fetched.content_type == "text/html"
    assert fetched.charset == "iso-8859-1"


def test_it_sends_the_host_name_while_connecting_to_the_vetted_address(site):
    site.pages["/"] = Page(b"ok", content_type="text/plain")
    fetch(site.base)
    _path, headers = site.requests[-1]
    assert headers["Host"] == site.base.removeprefix("http://")
    assert headers["Accept-Encoding"] == "identity"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://localhost:9/",
        "http://10.0.0.1/",
        "http://10.255.3.4:8080/admin",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
    ],
)
def test_private_and_special_addresses_are_refused(settings, url):
    settings.SOURCES_FETCH_ALLOWED_HOSTS = []
    with pytest.raises(BlockedAddress, match="Refused to fetch"):
        fetch(url)


def test_the_allow_list_names_hosts_not_networks(site, settings):
    settings.SOURCES_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    localhost = site.base.replace("127.0.0.1", "localhost")
    with pytest.raises(BlockedAddress):
        fetch(localhost + "/")


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/"]
)
def test_a_redirect_to_a_private_address_is_refused(site, target):
    site.pages["/go"] = Page(status=302, headers={"Location": target}, content_type="")
    with pytest.raises(BlockedAddress):
        fetch(site.url("/go"))


def test_redirects_are_followed_and_checked(site):
    site.pages["/old"] = Page(status=301, headers={"Location": "/new"}, content_type="")
    site.pages["/new"] = Page(b"moved here", content_type="text/plain")
    fetched = fetch(site.url("/old"))
    assert fetched.body == b"moved here"
    assert fetched.url == site.url("/new")


def test_redirect_loops_end(site):
    site.pages["/loop"] = Page(status=302, headers={"Location": "/loop"}, content_type="")
    with pytest.raises(FetchError, match="redirects more than"):
        fetch(site.url("/loop"))


def test_only_http_and_https():
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/"):
        with pytest.raises(FetchError, match="Only http and https"):
            fetch(url)


def test_a_404_is_a_permanent_error(site):
    with pytest.raises(FetchError, match="answered 404") as caught:
        fetch(site.url("/missing"))
    assert not caught.value.transient


def test_a_503_is_transient(site):
    site.pages["/busy"] = Page(b"busy", status=503, content_type="text/plain")
    with pytest.raises(TransientFetchError, match="503"):
        fetch(site.url("/busy"))


def test_a_slow_server_times_out(site):
    site.pages["/slow"] = Page(b"late", content_type="text/plain", delay=2)
    with pytest.raises(TransientFetchError, match="timed out"):
        fetch(site.url("/slow"), read_timeout=0.3)


def test_unsupported_content_types_are_refused(site):
    site.pages["/image.png"] = Page(b"\x89PNG....", content_type="image/png")
    with pytest.raises(FetchError, match="image/png, a content type that cannot be a source"):
        fetch(site.url("/image.png"))


def test_the_size_cap_is_enforced(site):
    site.pages["/big"] = Page(b"x" * 5000, content_type="text/plain")
    with pytest.raises(FetchError, match=r"at most|larger than"):
        fetch(site.url("/big"), max_bytes=1000)


def test_the_size_cap_holds_without_content_length(site):
    site.pages["/stream"] = Page(b"y" * 5000, content_type="text/plain", send_length=False)
    with pytest.raises(FetchError, match="larger than"):
        fetch(site.url("/stream"), max_bytes=4999)


def test_conditional_requests_get_304(site):
    site.pages["/feed.xml"] = Page(b"<rss/>", content_type="application/rss+xml", etag='"v1"')
    fetched = fetch(site.url("/feed.xml"), headers={"If-None-Match": '"v1"'})
    assert fetched.not_modified


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("127.0.0.1", "a loopback"),
        ("10.1.2.3", "a private"),
        ("169.254.169.254", "a link-local"),
        ("::1", "a loopback"),
        ("::ffff:10.0.0.1", "a private"),
        ("100.64.0.1", "a non-public"),
    ],
)
def test_blocked_reason(address, reason):
    assert blocked_reason(address) == reason
