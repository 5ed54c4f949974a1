"""Trained classifiers for false information (R7.2), insult and abuse (R7.3) and clickbait (R8.1).

``load_suite()`` returns the shipped models; inference needs numpy alone (no scikit-learn, no
pickle). ``qinglang train`` rebuilds them, ``qinglang eval`` reports held-out figures.
"""

from __future__ import annotations

from qinglang.detection.classifiers.suite import Suite, load_suite

__all__ = ["Suite", "load_suite"]
