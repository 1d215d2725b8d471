"""kombu's Redis transport for the drain's own connection: one kept client, a batch taken and acked in one round trip each.

kombu's Redis channel builds a new client (and its table of ~200 response callbacks) for every
basic_get, ack and requeue: under a profile that was a quarter of the CPU of a drained message.
basic_get costs an RPOP plus a MULTI (QoS.append), and an ack another MULTI, per message. The
subclasses below change only that; what an unacknowledged message is stays kombu's (the
`unacked` hash entry `[payload, exchange, routing_key]` and the `unacked_index` score written in
the same atomic step as the pop, restored after the visibility timeout by any worker's
restore_visible, requeued by kombu's restore_by_tag), so redelivery is unchanged.
Used only by workers.drain, in the pool process that owns the connection (no threads share it).
"""
from __future__ import annotations

from time import time
from typing import Any

import redis
from kombu.transport import redis as kombu_redis
from kombu.transport import virtual
from kombu.utils.json import loads

# Pop up to ARGV[1] messages, first from the first non-empty list (kombu's priority order), and
# record each as delivered-but-unacknowledged exactly as kombu's QoS.append does, all in one
# atomic step: a worker killed after it finds every taken message in `unacked`, none lost.
# The payload is stored as popped (not decoded and re-encoded), inside kombu's JSON triple.
_TAKE = """
local taken = {}
local limit = tonumber(ARGV[1])
for k = 3, #KEYS do
  while #taken < limit do
    local raw = redis.call('RPOP', KEYS[k])
    if not raw then break end
    local props = cjson.decode(raw)['properties']
    local info = props['delivery_info'] or {}
    redis.call('ZADD', KEYS[1], ARGV[2], props['delivery_tag'])
    redis.call('HSET', KEYS[2], props['delivery_tag'], '[' .. raw .. ',' .. cjson.encode(info['exchange'] or '')
               .. ',' .. cjson.encode(info['routing_key'] or '') .. ']')
    taken[#taken + 1] = raw
  end
end
return taken
"""


class DrainQoS(kombu_redis.QoS):
    """kombu's Redis QoS with `ack_many`."""

    def ack_many(self, delivery_tags: list[str]) -> None:
        """Acknowledge these messages: every ZREM and HDEL in one MULTI, then kombu's own bookkeeping."""
        if not delivery_tags:
            return
        with self.pipe_or_acquire() as pipe:
            for tag in delivery_tags:  # the stubs omit this method of kombu's Redis QoS
                self._remove_from_indices(tag, pipe)  # type: ignore[attr-defined]
            pipe.execute()
        for tag in delivery_tags:
            virtual.QoS.ack(self, tag)  # what kombu's QoS.ack does after its own MULTI


class DrainChannel(kombu_redis.Channel):
    """kombu's Redis channel that keeps one synchronous client instead of building one per call."""

    QoS = DrainQoS
    _kept_client: Any = None
    _take: Any = None

    def basic_get_many(self, queue: str, limit: int) -> list[Any]:
        """Up to `limit` messages of `queue`, unacknowledged (kombu's basic_get, many in one round trip)."""
        if self._take is None:
            # A plain client on kombu's pool: the script gets full key names, prefix included
            # (kombu's prefixing client would prefix only the first key of an EVALSHA).
            self._take = redis.Redis(connection_pool=self.pool).register_script(_TAKE)
        me: Any = self  # the stubs omit _q_for_pri, kombu's name of a queue's list per priority
        prefix = self.global_keyprefix
        keys = [prefix + self.unacked_index_key, prefix + self.unacked_key,
                *dict.fromkeys(prefix + me._q_for_pri(queue, pri) for pri in self.priority_steps)]
        messages = []
        for raw in self._take(keys=keys, args=[limit, time()]):
            message: Any = self.Message(loads(raw), channel=self)
            virtual.QoS.append(self.qos, message, message.delivery_tag)  # kombu's in-process bookkeeping
            messages.append(message)
        return messages

    def _create_client(self, asynchronous: bool = False) -> Any:
        base: Any = super()  # the stubs omit _create_client, kombu's one place clients are built
        if asynchronous:
            return base._create_client(asynchronous=True)
        if self._kept_client is None:
            self._kept_client = base._create_client()
        return self._kept_client

    def close(self) -> None:
        """Close as kombu does; the kept client's connections go back to the pool being closed."""
        self._kept_client = None
        super().close()


class DrainTransport(kombu_redis.Transport):
    """kombu's Redis transport with DrainChannel."""

    Channel = DrainChannel


def ack_many(messages: list[Any]) -> bool:
    """Acknowledge kombu messages of one DrainChannel in one round trip; False if they are not of one."""
    channels = {id(m.channel): m.channel for m in messages}
    if len(channels) != 1:
        return False
    qos = next(iter(channels.values())).qos
    if not isinstance(qos, DrainQoS):
        return False
    qos.ack_many([m.delivery_tag for m in messages])
    for message in messages:
        message._state = "ACK"  # as Message.ack marks it, so a second ack or requeue is refused
    return True
