"""Independent AMQP 1.0 sender (Qpid Proton Python, Debian's python3-qpid-proton).

usage: send.py HOST:PORT ADDRESS COUNT BODY_PREFIX [JSON_FIELDS]
JSON_FIELDS: {"id":..., "correlation_id":..., "subject":..., "content_type":..., "durable":true,
              "priority":7, "properties":{...}, "body":"data"|"string"|"map"}; each message's id gets "-<n>" appended.
The body is a data section by default, an amqp-value string with "string", an amqp-value map with "map".
Prints "sent N" once every message was accepted by the broker.
"""
import json
import sys

from proton import Message
from proton.utils import BlockingConnection

url, address, count, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fields = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
connection = BlockingConnection(url, timeout=30)
sender = connection.create_sender(address)
for n in range(count):
    kind = fields.get("body", "data")
    if kind == "map":
        message = Message(body={"text": prefix + str(n)})
    elif kind == "string":
        message = Message(body=prefix + str(n))
    else:
        message = Message(body=(prefix + str(n)).encode("utf-8"))
        message.inferred = True
    if "id" in fields:
        message.id = "%s-%d" % (fields["id"], n)
    if "correlation_id" in fields:
        message.correlation_id = fields["correlation_id"]
    if "subject" in fields:
        message.subject = fields["subject"]
    if "content_type" in fields:
        message.content_type = fields["content_type"]
    if "reply_to" in fields:
        message.reply_to = fields["reply_to"]
    message.durable = fields.get("durable", True)
    if "priority" in fields:
        message.priority = fields["priority"]
    if "properties" in fields:
        message.properties = dict(fields["properties"])
    sender.send(message)
connection.close()
print("sent %d" % count, flush=True)
