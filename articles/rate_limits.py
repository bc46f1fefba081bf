"""Counts of what one client address did lately (feedback sent, failed sign-ins), for limits
that answer a flood before it costs the site anything. Kept in the "throttle" cache under a
keyed hash of the address, with the end of their period; the address itself is stored nowhere.
"""

import ipaddress
import math

from django.core.cache import caches
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .readers import client_ip


def rate_address(request):
    """The client's address as the limits count it (`counted_address`)."""
    return counted_address(client_ip(request) or "")


def counted_address(address):
    """An IPv4 address as it is, an IPv6 address by its /64: the smallest network one home or
    phone connection is given (it holds 2^64 addresses)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


class RateLimit:
    """At most `limit` of something from one address per `period` seconds. `salt` names the
    count (the HMAC's salt: a name, not a secret; SECRET_KEY is the key)."""

    def __init__(self, salt, limit, period):
        self.salt, self.limit, self.period = salt, limit, period

    def key(self, request):
        return self.address_key(rate_address(request))

    def address_key(self, address):
        """The count's key for an address as counted (`counted_address`)."""
        return f"{self.salt}:" + salted_hmac(self.salt, address, algorithm="sha256").hexdigest()

    def forget(self, address):
        """Start the address's count again (the address as a person gives it)."""
        caches["throttle"].delete(self.address_key(counted_address(address)))

    def reached(self, request):
        count, _ = caches["throttle"].get(self.key(request)) or (0, None)
        return count >= self.limit

    def take(self, request):
        """Count one against the address's allowance; False, counting nothing, once it is used
        up. The count and the end of its period are kept together, so every cache backend
        expires it on time."""
        key = self.key(request)
        now = timezone.now().timestamp()
        throttle = caches["throttle"]
        count, ends = throttle.get(key) or (0, now + self.period)
        if count >= self.limit:
            return False
        throttle.set(key, (count + 1, ends), timeout=max(1, math.ceil(ends - now)))
        return True
