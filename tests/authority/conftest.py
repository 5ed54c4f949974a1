from __future__ import annotations

import pytest

from qinglang.authority.settings import AuthoritySettings, get_authority_settings
from tests.authority.builders import authority_settings


@pytest.fixture
def authority_config(app, tmp_path) -> AuthoritySettings:  # noqa: ANN001
    """The shipped routing, the platform registered in Xuhui, used by the API as well."""
    config = authority_settings(tmp_path)
    app.dependency_overrides[get_authority_settings] = lambda: config
    return config
