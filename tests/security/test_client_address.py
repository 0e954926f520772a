"""Attack: forging X-Forwarded-For to dodge per-address limits. Believed only from trusted proxies."""

from academy.ui.session import LOOPBACK, resolve_client


def test_a_direct_peer_is_the_client_whatever_it_forwards() -> None:
    assert resolve_client("203.0.113.7", "198.51.100.1", set()) == "203.0.113.7"
    assert resolve_client("203.0.113.7", "198.51.100.1", {"10.0.0.2"}) == "203.0.113.7"


def test_loopback_has_no_address_in_streamlit() -> None:
    assert resolve_client(None, None, set()) == LOOPBACK


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() -> None:
    trusted = {LOOPBACK, "10.0.0.2"}
    # The client forged the first entry; the proxies appended the real one.
    assert resolve_client(None, "1.2.3.4, 203.0.113.7", trusted) == "203.0.113.7"
    assert resolve_client("10.0.0.2", "203.0.113.7, 127.0.0.1", trusted) == "203.0.113.7"
    assert resolve_client(None, None, trusted) == LOOPBACK
    assert resolve_client(None, object(), trusted) == LOOPBACK  # a header that is not text is ignored
