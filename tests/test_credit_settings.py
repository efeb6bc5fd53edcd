"""SUIJI_CREDIT_EXPORT_TOKEN: optional, and when set a real random token, not a password."""

import pytest

from suiji.settings import SettingsError, load_settings


def test_short_export_token_refused(tmp_path):
    with pytest.raises(SettingsError, match="SUIJI_CREDIT_EXPORT_TOKEN"):
        load_settings(data_dir=tmp_path, credit_export_token="short")


def test_export_token_optional(tmp_path):
    assert load_settings(data_dir=tmp_path).credit_export_token is None
    assert load_settings(data_dir=tmp_path, credit_export_token="x" * 32).credit_export_token == "x" * 32
