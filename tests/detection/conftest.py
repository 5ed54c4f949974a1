"""Fixtures for the detection tests (R7.1, R7.3, R8.2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qinglang.detection.cascade import Detector
from qinglang.detection.lexicon import Lexicon

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``<project root>/../shared/data``; tests that need it skip when it is absent."""
    folder = (PROJECT_ROOT / ".." / "shared" / "data").resolve()
    if not folder.is_dir():
        pytest.skip(f"public datasets not found at {folder} (they are not part of the repo)")
    return folder


@pytest.fixture(scope="session")
def curated() -> Lexicon:
    return Lexicon.curated()


@pytest.fixture(scope="session")
def detector() -> Detector:
    """Rules only, so the tests do not depend on whether trained models are installed."""
    return Detector(classifiers=None)
