"""After-commit messaging and real-time inspection infrastructure (R9.6).

Services call ``qinglang.stream.outbox.emit`` inside their transaction; nothing leaves the
process before that transaction commits. A transport then hands each committed message to the
registered consumers (``qinglang.stream.consumers``): in-process by default, NATS JetStream when
``QINGLANG_STREAM_URL`` is set. Read docs/stream.md for the delivery guarantees.
"""
