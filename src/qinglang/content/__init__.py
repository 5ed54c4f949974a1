"""Posts, replies, private messages and danmaku (R15.1), with their lifecycle states."""
