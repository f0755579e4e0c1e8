"""What an office configures: where the data lives, which database, the address it is reached at."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATA_DIR = Path("govreport-data")
SQLITE_NAME = "govreport.sqlite3"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR  # records (SQLite by default), uploaded files by hash, caches
    database_url: str | None = None  # None: SQLite under data_dir; or postgresql://user:pass@host/db
    public_url: str = "http://127.0.0.1:8000"  # the address bodies and staff open (links are built on it)
    max_upload_bytes: int = 20 * 1024 * 1024  # one workbook; a report is ~60 KB
    check_workers: int = 2  # processes that read uploads (a hostile file never stalls the server)
    check_seconds: float = 60.0  # a file that takes longer is reported as not readable in time
    idle_seconds: float = 60.0  # a request body that stops arriving for this long is dropped
    extra: dict = field(default_factory=dict)  # room for other modules' settings (officejs, …)

    def __post_init__(self):
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))

    @property
    def database(self) -> str:
        """The SQLAlchemy URL: postgresql:// is served by psycopg 3."""
        if not self.database_url:
            return f"sqlite:///{(self.data_dir / SQLITE_NAME).resolve()}"
        url = self.database_url
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url

    @property
    def https(self) -> bool:
        """Served to users over HTTPS (behind the office's proxy): cookies are then Secure."""
        return urlsplit(self.public_url).scheme == "https"

    def url(self, path: str) -> str:
        return self.public_url + path
