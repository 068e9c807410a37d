"""Which addresses the fetcher may never reach (no server-side request forgery): private, loopback,
link-local, multicast, reserved, unspecified and other non-global ranges, in IPv4 and IPv6
(including IPv4 written inside IPv6: ::ffff:10.0.0.1, 64:ff9b::/96 and 6to4)."""

import ipaddress


def is_blocked_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return True
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and is_blocked_address(str(embedded)):
            return True
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def host_port_key(host: str, port: int) -> str:
    """The allow-list form of a target: "host:port", lower case, IPv6 without brackets."""
    return f"{host.strip('[]').lower()}:{port}"
