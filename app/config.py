"""Settings, read from environment variables prefixed DISCLOSURE_."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DISCLOSURE_")

    database_url: str = "sqlite:///./disclosure-stats.db"
    # When true, reads need a key too (any scope); writes always need a write key.
    read_requires_key: bool = False
    # One report is a few kilobytes; a batch of thousands fits well under 64 MiB.
    max_report_bytes: int = Field(default=1_048_576, ge=1024)
    max_batch_bytes: int = Field(default=64 * 1_048_576, ge=1024)
    # The national registry with its edges is about 10 MiB of JSON.
    max_registry_bytes: int = Field(default=64 * 1_048_576, ge=1024)
    # A report page with its markup; PDFs' extracted text is far smaller.
    max_parse_bytes: int = Field(default=8 * 1_048_576, ge=1024)
    max_batch_items: int = Field(default=20_000, ge=1)
    default_page_size: int = Field(default=100, ge=1)
    max_page_size: int = Field(default=1000, ge=1)
    # The number of missing bodies listed with an aggregate before the list is cut.
    missing_cap: int = Field(default=10, ge=0)
