"""qinglang: governance of false and illegal information on an online content platform.

Start reading at ``qinglang.pipeline`` (how every item is submitted and decided) and
``docs/ARCHITECTURE.md``.
"""

__version__ = "0.1.0"
