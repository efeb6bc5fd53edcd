import pytest

from models.enums import NoticeKind
from suiji.settings import SettingsError, load_settings, number_prefixes


def test_defaults_run_without_any_setting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings(data_dir=tmp_path / "d")
    assert s.database_url == "sqlite://suiji.sqlite3"
    assert s.redis_url is None
    assert s.public_base_url == "http://127.0.0.1:8080"
    assert s.secret_key_generated and len(s.secret_key or "") >= 32
    # The generated key is kept: a restart keeps sessions and tokens valid.
    assert load_settings(data_dir=tmp_path / "d").secret_key == s.secret_key
    assert not s.wecom_enabled and not s.wecom_callback_enabled


def test_malformed_value_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("SUIJI_WECOM_AGENT_ID", "abc")
    with pytest.raises(SettingsError, match="SUIJI_WECOM_AGENT_ID"):
        load_settings(data_dir=tmp_path)


def test_bad_database_url_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("SUIJI_DATABASE_URL", "mysql://x")
    with pytest.raises(SettingsError, match="SUIJI_DATABASE_URL"):
        load_settings(data_dir=tmp_path)


def test_partial_wecom_app_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SUIJI_WECOM_CORP_ID", "ww123")
    with pytest.raises(SettingsError, match="SUIJI_WECOM_SECRET"):
        load_settings(data_dir=tmp_path)


def test_aes_key_must_be_43_characters(monkeypatch, tmp_path):
    monkeypatch.setenv("SUIJI_WECOM_AES_KEY", "short")
    with pytest.raises(SettingsError, match="SUIJI_WECOM_AES_KEY"):
        load_settings(data_dir=tmp_path)


REAL_KEY = "q8Zt1rPaV3nK0wXe7LmYc5HsJ2dFgB9uRoTiEyW4vNkQx6Ap"  # secrets.token_urlsafe(36)


def production(monkeypatch, **env: str) -> None:
    values = {"SUIJI_ENV": "production", "SUIJI_SECRET_KEY": REAL_KEY,
              "SUIJI_DATABASE_URL": "postgres://suiji@db:5432/suiji",
              "SUIJI_REDIS_URL": "redis://redis:6379/0",
              "SUIJI_PUBLIC_BASE_URL": "https://suiji.example.gov.cn",
              "SUIJI_BUREAU_ADDRESS": "重庆市涪陵区太白大道1号",
              "SUIJI_BUREAU_PHONE": "023-72220000"} | env
    for name, value in values.items():
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)


def test_production_refuses_generated_secret(monkeypatch, tmp_path):
    production(monkeypatch, SUIJI_SECRET_KEY="")
    with pytest.raises(SettingsError, match="SUIJI_SECRET_KEY: required"):
        load_settings(data_dir=tmp_path)


@pytest.mark.parametrize("key", ["changethis", "short-key", "k" * 48,
                                 "password1234567890password1234567890",
                                 "abababababababababababababababababab"])
def test_production_refuses_default_short_or_predictable_secret(monkeypatch, tmp_path, key):
    production(monkeypatch, SUIJI_SECRET_KEY=key)
    with pytest.raises(SettingsError, match="SUIJI_SECRET_KEY"):
        load_settings(data_dir=tmp_path)


def test_production_accepts_a_real_secret(monkeypatch, tmp_path):
    production(monkeypatch)
    assert load_settings(data_dir=tmp_path).secret_key == REAL_KEY


@pytest.mark.parametrize(("name", "value", "says"), [
    ("SUIJI_DATABASE_URL", "sqlite://suiji.sqlite3", "needs PostgreSQL"),
    ("SUIJI_REDIS_URL", "", "SUIJI_REDIS_URL: required"),
    ("SUIJI_PUBLIC_BASE_URL", "http://suiji.example.gov.cn", "must be https"),
])
def test_production_refuses_embedded_parts_and_plain_http(monkeypatch, tmp_path, name, value,
                                                          says):
    production(monkeypatch, **{name: value})
    with pytest.raises(SettingsError, match=f"{name}: .*{says}|{says}"):
        load_settings(data_dir=tmp_path)


def test_random_keys_pass_the_estimate():
    import secrets

    from suiji.settings import MIN_SECRET_BITS, estimated_bits
    assert all(estimated_bits(secrets.token_urlsafe(32)) >= MIN_SECRET_BITS for _ in range(200))
    assert all(estimated_bits(secrets.token_hex(24)) >= MIN_SECRET_BITS for _ in range(200))


def _production(monkeypatch):
    production(monkeypatch)


def test_bureau_defaults_name_fuling_and_its_review_body_and_court(tmp_path):
    s = load_settings(data_dir=tmp_path)
    assert (s.bureau_name, s.review_body, s.litigation_court) == (
        "重庆市涪陵区人力资源和社会保障局", "重庆市涪陵区人民政府", "重庆市涪陵区人民法院")
    assert s.seal_image is None


def test_notice_number_prefixes_come_from_the_short_name_and_the_bureaus_own(monkeypatch,
                                                                          tmp_path):
    assert number_prefixes(load_settings(data_dir=tmp_path))[NoticeKind.RECTIFICATION] == "涪人社监察"
    monkeypatch.setenv("SUIJI_BUREAU_SHORT_NAME", "渝北人社")
    monkeypatch.setenv("SUIJI_NOTICE_NUMBER_PREFIXES", "rectification=渝北人社监限改，review=渝北人社复")
    got = number_prefixes(load_settings(data_dir=tmp_path))
    assert got[NoticeKind.RECTIFICATION] == "渝北人社监限改" and got[NoticeKind.REVIEW] == "渝北人社复"
    assert got[NoticeKind.INSPECTION] == "渝北人社监察检"
    for bad in ("inspection=渝北人社监限改,rectification=渝北人社监限改", "decision=x", "review=a〔b"):
        monkeypatch.setenv("SUIJI_NOTICE_NUMBER_PREFIXES", bad)
        with pytest.raises(SettingsError, match="SUIJI_NOTICE_NUMBER_PREFIXES"):
            load_settings(data_dir=tmp_path)


@pytest.mark.parametrize("name,value", [("SUIJI_BUREAU_ADDRESS", None),
                                        ("SUIJI_BUREAU_PHONE", "CHANGE-ME")])
def test_production_needs_the_bureaus_real_contact(monkeypatch, tmp_path, name, value):
    _production(monkeypatch)
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings(data_dir=tmp_path)


def test_seal_image_must_be_a_png(monkeypatch, tmp_path):
    text = tmp_path / "seal.txt"
    text.write_text("not an image")
    monkeypatch.setenv("SUIJI_SEAL_IMAGE", str(text))
    with pytest.raises(SettingsError, match="SUIJI_SEAL_IMAGE: must be a PNG"):
        load_settings(data_dir=tmp_path)
    monkeypatch.setenv("SUIJI_SEAL_IMAGE", str(tmp_path / "missing.png"))
    with pytest.raises(SettingsError, match="SUIJI_SEAL_IMAGE: cannot read"):
        load_settings(data_dir=tmp_path)
    png = tmp_path / "seal.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    monkeypatch.setenv("SUIJI_SEAL_IMAGE", str(png))
    assert load_settings(data_dir=tmp_path).seal_image == png


def test_partial_s3_storage_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SUIJI_S3_ENDPOINT", "https://minio.bureau.lan:9000")
    monkeypatch.setenv("SUIJI_S3_BUCKET", "evidence")
    with pytest.raises(SettingsError, match="SUIJI_S3_ACCESS_KEY, SUIJI_S3_SECRET_KEY missing"):
        load_settings(data_dir=tmp_path)


@pytest.mark.parametrize("name,value", [("SUIJI_S3_ENDPOINT", "minio.bureau.lan:9000"),
                                        ("SUIJI_S3_BUCKET", "Evidence_Photos")])
def test_malformed_s3_setting_names_the_variable(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings(data_dir=tmp_path)


def test_complete_s3_storage_is_enabled(monkeypatch, tmp_path):
    for name, value in [("ENDPOINT", "https://minio.bureau.lan:9000/"), ("BUCKET", "evidence"),
                        ("ACCESS_KEY", "AKIAEXAMPLE"), ("SECRET_KEY", "secret")]:
        monkeypatch.setenv(f"SUIJI_S3_{name}", value)
    s = load_settings(data_dir=tmp_path)
    assert s.s3_enabled and s.s3_endpoint == "https://minio.bureau.lan:9000"
    assert s.s3_region == "us-east-1"


def test_office_hours_are_checked_and_name_the_variable(monkeypatch, tmp_path):
    assert load_settings(data_dir=tmp_path).office_hours == "09:00-17:30"
    monkeypatch.setenv("SUIJI_OFFICE_HOURS", "17:30-09:00")
    with pytest.raises(SettingsError, match="SUIJI_OFFICE_HOURS"):
        load_settings(data_dir=tmp_path)


def test_complaint_channel_defaults_to_the_government_hotline(monkeypatch, tmp_path):
    assert load_settings(data_dir=tmp_path).bureau_complaint == "12345（政务服务便民热线）"
    monkeypatch.setenv("SUIJI_BUREAU_COMPLAINT", " 监督电话 023-72229999 ")
    assert load_settings(data_dir=tmp_path).bureau_complaint == "监督电话 023-72229999"
    monkeypatch.setenv("SUIJI_BUREAU_COMPLAINT", "两行\n文字")
    with pytest.raises(SettingsError, match="SUIJI_BUREAU_COMPLAINT"):
        load_settings(data_dir=tmp_path)


def test_draw_reveal_delay_defaults_to_an_hour_and_names_a_bad_value(monkeypatch, tmp_path):
    # R10: the least time between a draw's commitment and its reveal.
    assert load_settings(data_dir=tmp_path).draw_min_reveal_delay_minutes == 60
    monkeypatch.setenv("SUIJI_DRAW_MIN_REVEAL_DELAY_MINUTES", "0")
    assert load_settings(data_dir=tmp_path).draw_min_reveal_delay_minutes == 0
    monkeypatch.setenv("SUIJI_DRAW_MIN_REVEAL_DELAY_MINUTES", "-5")
    with pytest.raises(SettingsError, match="SUIJI_DRAW_MIN_REVEAL_DELAY_MINUTES"):
        load_settings(data_dir=tmp_path)
