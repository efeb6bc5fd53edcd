"""Typed settings from the environment (or `.env`). See DESIGN.md "Outside contract"."""

from __future__ import annotations

import math
import re
import secrets
import zlib
from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from inspection.notices import numbering
from inspection.worktime import OfficeHours
from models.enums import NoticeKind
from notifications.client_ip import DEFAULT_TRUSTED_PROXIES, TrustedProxies

ENV_PREFIX = "SUIJI_"
# Values people paste from samples and tutorials; refused in production.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
MIN_SECRET_BITS = 96  # an estimate: 32 random hex digits (128 bits) score about 110
_KNOWN_DEFAULT_SECRETS = {"changethis", "change-me", "changeme", "secret", "dev", "please-change-me"}
# Printed on demo notices; a production notice must carry the bureau's real contact.
DEMO_ADDRESS = "重庆市涪陵区（演示地址）"
DEMO_PHONE = "023-00000000（演示）"
_PNG = b"\x89PNG\r\n\x1a\n"
MAX_SEAL_BYTES = 2 * 1024 * 1024


class SettingsError(Exception):
    """Start-up refused: the message names the variable and what is wrong with it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite://suiji.sqlite3"
    redis_url: str | None = None
    redis_prefix: str = "suiji:"
    secret_key: str | None = None
    public_base_url: str = "http://127.0.0.1:8080"
    data_dir: Path = Path("data")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Reverse proxies whose X-Forwarded-For / X-Real-IP name the client (notifications.client_ip).
    trusted_proxies: str = DEFAULT_TRUSTED_PROXIES
    # Office hours on working days, Beijing time: reply deadlines and reminders fall inside them.
    office_hours: str = "09:00-17:30"

    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: str | None = None
    wecom_token: str | None = None
    wecom_aes_key: str | None = None
    wecom_api_base: str = "https://qyapi.weixin.qq.com"
    # Bearer token of the credit-platform export endpoint; unset: the endpoint answers 503.
    credit_export_token: str | None = None
    # Evidence in an S3-compatible store (path-style, SigV4); all four of endpoint, bucket,
    # access key and secret key, or none: unset, evidence goes under data_dir/uploads.
    s3_endpoint: str | None = None
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None
    s3_secret_key: str | None = None

    # The staff app's build (webapp/dist); unset: webapp/dist beside the code (docs/webapp.md).
    webapp_dir: Path | None = None
    # WeCom's domain-verification file for the app's 可信域名 (WW_verify_….txt, downloaded from
    # the admin console), served at the domain's root under its own name (deploy/README.md).
    wecom_verify_file: Path | None = None

    # The bureau that issues notices and reports (one setting used everywhere: notices, the
    # public pages' header, reports). Address and phone are printed on every notice as the
    # contact; the review body and the court are named in the notices' statement of rights
    # (行政复议, 行政诉讼). The demo address and phone are refused in production.
    bureau_name: str = Field(default="重庆市涪陵区人力资源和社会保障局", min_length=2,
                             max_length=100)
    bureau_address: str = Field(default=DEMO_ADDRESS, min_length=2, max_length=200)
    bureau_phone: str = Field(default=DEMO_PHONE, min_length=5, max_length=50)
    review_body: str = Field(default="重庆市涪陵区人民政府", min_length=2, max_length=100)
    litigation_court: str = Field(default="重庆市涪陵区人民法院", min_length=2, max_length=100)
    # Where the public reports a problem with the bureau's inspections (社会监督): shown at the
    # foot of every public page. The default is the nationwide government service hotline; a
    # bureau usually names its own 监督电话 or mailbox.
    bureau_complaint: str = Field(default="12345（政务服务便民热线）", min_length=3,
                                  max_length=200)
    # A PNG of the bureau's seal, printed over the date; unset: the space stays blank for a
    # hand stamp.
    seal_image: Path | None = None
    # The bureau's short name in document numbers (发文机关代字): 涪人社 numbers a 限期改正指令书
    # 涪人社监察〔2026〕第12号. Each numbered kind's prefix is this and the kind's word
    # (inspection.notices.numbering.NUMBER_WORDS), unless NOTICE_NUMBER_PREFIXES sets the
    # bureau's own: "rectification=涪人社监限改,inspection=涪人社监检" (kinds by their code).
    bureau_short_name: str = Field(default="涪人社", min_length=1, max_length=10)
    notice_number_prefixes: str | None = None

    # R10: the least time between a draw's commitment and its reveal (0 switches it off).
    draw_min_reveal_delay_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)
    # What one notice's addressee may upload on its page in all (files, and megabytes): a QR
    # code passed around must not fill the evidence store. Each file is at most 10 MB.
    notice_upload_max_files: int = Field(default=30, ge=1, le=1000)
    notice_upload_max_mb: int = Field(default=200, ge=10, le=10_000)

    # Secret generated on first run when none is set; see `resolve_secret_key`.
    secret_key_generated: bool = Field(default=False, exclude=True)

    @field_validator("database_url")
    @classmethod
    def _db_scheme(cls, v: str) -> str:
        if not v.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
            raise ValueError("must start with sqlite:// or postgres://")
        return v

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not v.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return v

    @field_validator("public_base_url", "wecom_api_base")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, v: str) -> str:
        TrustedProxies.parse(v)  # a bad entry stops start-up, named
        return v

    @field_validator("wecom_verify_file")
    @classmethod
    def _verify_name(cls, v: Path | None) -> Path | None:
        # Served at the root under its own name: only WeCom's own pattern, never another path.
        if v is not None and not re.match(r"^WW_verify_[A-Za-z0-9]{1,64}\.txt$", v.name):
            raise ValueError("must be the WW_verify_….txt file from the WeCom admin console")
        return v

    @field_validator("office_hours")
    @classmethod
    def _office_hours(cls, v: str) -> str:
        try:
            OfficeHours.parse(v)
        except ValueError as exc:
            raise ValueError(f"office hours: {exc}") from None
        return v

    @field_validator("wecom_aes_key")
    @classmethod
    def _aes_key(cls, v: str | None) -> str | None:
        # WeCom's EncodingAESKey is 43 characters of base64 without the trailing "=".
        if v and len(v) != 43:
            raise ValueError("must be the 43-character EncodingAESKey from the WeCom console")
        return v or None

    @field_validator("credit_export_token")
    @classmethod
    def _export_token(cls, v: str | None) -> str | None:
        if v and len(v) < 24:
            raise ValueError("must be at least 24 characters (a random token, not a password)")
        return v or None

    @field_validator("s3_endpoint")
    @classmethod
    def _s3_endpoint(cls, v: str | None) -> str | None:
        if not v:
            return None
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")

    @field_validator("s3_bucket")
    @classmethod
    def _s3_bucket(cls, v: str | None) -> str | None:
        if v and not _BUCKET.fullmatch(v):
            raise ValueError("must be an S3 bucket name: 3-63 lowercase letters, digits, "
                             "dots and hyphens")
        return v or None

    @field_validator("bureau_name", "bureau_address", "bureau_phone", "review_body",
                     "litigation_court", "bureau_complaint", "bureau_short_name")
    @classmethod
    def _printed_text(cls, v: str) -> str:
        v = v.strip()
        if any(ord(c) < 32 for c in v):
            raise ValueError("must be one line of text")
        return v

    @field_validator("seal_image")
    @classmethod
    def _seal_png(cls, v: Path | None) -> Path | None:
        if v is None or str(v) == "":
            return None
        try:
            size = v.stat().st_size
            with v.open("rb") as f:
                head = f.read(len(_PNG))
        except OSError as exc:
            raise ValueError(f"cannot read {v}: {exc.strerror}") from None
        if head != _PNG or size > MAX_SEAL_BYTES:
            raise ValueError("must be a PNG file (transparent background) of at most 2 MB")
        return v

    @model_validator(mode="after")
    def _number_prefixes(self) -> Settings:
        try:
            number_prefixes(self)
        except ValueError as exc:  # a bad or shared prefix stops start-up, named
            raise ValueError(f"{ENV_PREFIX}BUREAU_SHORT_NAME / {ENV_PREFIX}NOTICE_NUMBER_PREFIXES: "
                             f"{exc}") from None
        return self

    @model_validator(mode="after")
    def _s3_complete(self) -> Settings:
        parts = {"S3_ENDPOINT": self.s3_endpoint, "S3_BUCKET": self.s3_bucket,
                 "S3_ACCESS_KEY": self.s3_access_key, "S3_SECRET_KEY": self.s3_secret_key}
        given = [k for k, v in parts.items() if v]
        if given and len(given) != len(parts):
            missing = [ENV_PREFIX + k for k in parts if k not in given]
            raise ValueError(f"{', '.join(missing)} missing: S3 storage needs endpoint, bucket, "
                             "access key and secret key")
        return self

    @model_validator(mode="after")
    def _wecom_complete(self) -> Settings:
        app = {"WECOM_CORP_ID": self.wecom_corp_id, "WECOM_AGENT_ID": self.wecom_agent_id,
               "WECOM_SECRET": self.wecom_secret}
        given = [k for k, v in app.items() if v not in (None, "")]
        if given and len(given) != len(app):
            missing = [ENV_PREFIX + k for k in app if k not in given]
            raise ValueError(f"{', '.join(missing)} missing: WeCom needs corp id, agent id and secret")
        return self

    @property
    def wecom_enabled(self) -> bool:
        return bool(self.wecom_corp_id and self.wecom_agent_id and self.wecom_secret)

    @property
    def s3_enabled(self) -> bool:
        return bool(self.s3_endpoint and self.s3_bucket and self.s3_access_key
                    and self.s3_secret_key)

    @property
    def wecom_callback_enabled(self) -> bool:
        return bool(self.wecom_token and self.wecom_aes_key and self.wecom_corp_id)


def number_prefixes(settings: Settings) -> dict[NoticeKind, str]:
    """Each numbered kind's prefix from SUIJI_BUREAU_SHORT_NAME and SUIJI_NOTICE_NUMBER_PREFIXES
    ("kind=prefix" pairs separated by commas); ValueError naming what is wrong."""
    overrides: dict[NoticeKind, str] = {}
    for pair in (settings.notice_number_prefixes or "").replace("，", ",").split(","):
        if not pair.strip():
            continue
        kind, _, prefix = pair.partition("=")
        if kind.strip() not in numbering.NUMBER_WORDS or not prefix.strip():
            kinds = ", ".join(k.value for k in numbering.NUMBER_WORDS)
            raise ValueError(f"{pair.strip()!r} is not kind=prefix with a kind among {kinds}")
        overrides[NoticeKind(kind.strip())] = prefix.strip()
    return numbering.number_prefixes(settings.bureau_short_name, overrides)


def estimated_bits(key: str) -> float:
    """A pessimistic guess at a key's randomness: its length times the Shannon entropy of its
    characters, or less when it compresses (repeated chunks such as "password1password1")."""
    if not key:
        return 0.0
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    bits = per_char * len(key)
    compressed = len(zlib.compress(key.encode(), 9)) - 8  # zlib's header and checksum
    if compressed < len(key.encode()):
        bits = min(bits, compressed * per_char)
    return bits


def _weak_secret(key: str) -> str | None:
    if key.lower() in _KNOWN_DEFAULT_SECRETS:
        return "a default from samples and tutorials"
    if len(key) < 32:
        return "shorter than 32 characters"
    if estimated_bits(key) < MIN_SECRET_BITS:
        return f"too predictable (about {estimated_bits(key):.0f} bits of randomness, {MIN_SECRET_BITS} needed)"
    return None


def production_problems(settings: Settings) -> list[str]:
    """What production refuses besides the secret: an embedded database, processes without a
    shared Redis (sessions, rate limits and de-duplication would split), plain-HTTP links on
    printed notices."""
    problems = []
    if not settings.database_url.startswith(("postgres://", "postgresql://")):
        problems.append("SUIJI_DATABASE_URL: production needs PostgreSQL (SQLite is for trying "
                        "Suiji on one machine)")
    if not settings.redis_url:
        problems.append("SUIJI_REDIS_URL: required in production (sessions, rate limits and "
                        "callback de-duplication are shared through it)")
    if not settings.public_base_url.startswith("https://"):
        problems.append("SUIJI_PUBLIC_BASE_URL: must be https:// in production (it is printed "
                        "on notices and QR codes)")
    return problems


def resolve_secret_key(settings: Settings) -> Settings:
    """Use SUIJI_SECRET_KEY, or a key generated once into the data folder (not in production)."""
    if settings.env == "production":
        problems = production_problems(settings)
        weak = _weak_secret(settings.secret_key) if settings.secret_key else None
        if weak:
            problems.insert(0, f"SUIJI_SECRET_KEY: {weak} is refused in production; generate "
                            "one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'")
        if not settings.secret_key:
            problems.insert(0, "SUIJI_SECRET_KEY: required in production (a generated key would "
                            "differ between machines and is refused)")
        if problems:
            raise SettingsError("; ".join(problems))
    if settings.secret_key:
        return settings
    path = settings.data_dir / "secret_key"
    if path.exists():
        key = path.read_text().strip()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key + "\n")
        path.chmod(0o600)
    return settings.model_copy(update={"secret_key": key, "secret_key_generated": True})


def check_production_contact(settings: Settings) -> Settings:
    """In production every notice must carry the bureau's real address and telephone."""
    if settings.env != "production":
        return settings
    demo = [name for name, value, default in (
        ("BUREAU_ADDRESS", settings.bureau_address, DEMO_ADDRESS),
        ("BUREAU_PHONE", settings.bureau_phone, DEMO_PHONE))
        if value == default or "change-me" in value.lower()]
    if demo:
        raise SettingsError(f"{', '.join(ENV_PREFIX + d for d in demo)}: required in production "
                            "(printed on every notice as the bureau's contact)")
    return settings


def load_settings(**overrides: object) -> Settings:
    """Read settings; a missing or malformed value becomes a SettingsError naming its variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ENV_PREFIX + "_".join(str(p) for p in err["loc"]).upper() if err["loc"] else ""
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {msg}" if name else msg)
        raise SettingsError("; ".join(lines)) from None
    return check_production_contact(resolve_secret_key(settings))
