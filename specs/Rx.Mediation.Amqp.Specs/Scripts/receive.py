"""Independent AMQP 1.0 receiver (Qpid Proton Python, Debian's python3-qpid-proton).

usage: receive.py HOST:PORT ADDRESS COUNT TIMEOUT_SECONDS
Accepts up to COUNT messages, waiting at most TIMEOUT_SECONDS for each, and prints one JSON line per message:
{"id", "correlation_id", "subject", "content_type", "reply_to", "durable", "priority", "properties", "body"}.
Ends with "received N".
"""
import json
import sys

from proton import Timeout
from proton.utils import BlockingConnection


def text(value):
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


url, address, count, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
connection = BlockingConnection(url, timeout=30)
receiver = connection.create_receiver(address, credit=100)
received = 0
try:
    while received < count:
        message = receiver.receive(timeout=timeout)
        receiver.accept()
        received += 1
        print(json.dumps({
            "id": text(message.id),
            "correlation_id": text(message.correlation_id),
            "subject": message.subject,
            "content_type": text(message.content_type),
            "reply_to": message.reply_to,
            "durable": bool(message.durable),
            "priority": message.priority,
            "properties": {str(k): text(v) for k, v in (message.properties or {}).items()},
            "body": text(message.body),
        }), flush=True)
except Timeout:
    pass
connection.close()
print("received %d" % received, flush=True)
