"""Making and restoring a backup of the database the app is configured with.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction` (both found on
PATH), a consistent snapshot taken while the app runs. SQLite: Python's `sqlite3.Connection.backup`,
the online backup API, which copies a consistent state page by page while other connections write.
Each backup is recorded in the audit trail (`backup`: its file name, size, SHA-256 and the chain's head
when it was taken); each restore in the restored database's trail (`restore`: the file, its SHA-256,
the restored head and the head it replaced), so that the chain stays whole and says what happened."""

import dataclasses
import hashlib
import os
import shutil
import sqlite3
import subprocess
from urllib.parse import unquote, urlsplit, urlunsplit

from models import AuditRecord, BackupEvents, audit, db, now

TOOLS = {"dump": "pg_dump", "restore": "pg_restore"}
CHUNK = 1 << 20


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why (and the database is unchanged)."""


@dataclasses.dataclass(frozen=True)
class BackupInfo:
    path: str
    size: int
    sha256: str
    audit_seq: int
    audit_hash: str

    def detail(self):
        return {
            "file": os.path.basename(self.path),
            "size": self.size,
            "sha256": self.sha256,
            "audit_seq": self.audit_seq,
            "audit_hash": self.audit_hash,
        }


def backend(url):
    """The backend of a DATABASE_URL: "sqlite" or "postgresql"."""
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith(("postgresql", "postgres")):
        return "postgresql"
    raise BackupError(f"Unsupported DATABASE_URL: {url.split(':', 1)[0]}")


def sqlite_path(url):
    if "sqlite:///" not in url:
        raise BackupError("An in-memory SQLite database cannot be backed up")
    return url.split("sqlite:///", 1)[1]


def shown_url(url):
    """The database's address without its password, to name it in messages."""
    if backend(url) == "sqlite":
        return sqlite_path(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, "", ""))


def default_name(url, at=None):
    """`sipas-20261201-031500.dump` (PostgreSQL, custom format) or `….sqlite3`."""
    suffix = "dump" if backend(url) == "postgresql" else "sqlite3"
    return f"sipas-{(at or now()):%Y%m%d-%H%M%S}.{suffix}"


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def tool(name):
    """The path of pg_dump or pg_restore, or a BackupError saying how to get it."""
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client tools of the server's version "
            f"(Debian: apt-get install postgresql-client) or add their folder to PATH"
        )
    return found


def _without_password(url):
    """(url without its password, environment with PGPASSWORD): a password on a command line is
    readable by every local user (`ps`), for as long as the dump runs."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is None:
        return url, env
    env["PGPASSWORD"] = unquote(parts.password)
    netloc = parts.netloc.rsplit("@", 1)[1]
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc)), env


def _run(args, what, env=None):
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def _private_file(path):
    """Create (or empty) `path` readable by its owner only: a backup holds the encrypted contacts."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _dump_sqlite(url, path):
    source = sqlite3.connect(sqlite_path(url))
    target = sqlite3.connect(path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _dump_postgres(url, path):
    url, env = _without_password(url)
    _run([tool(TOOLS["dump"]), "--format=custom", "--no-owner", f"--file={path}", f"--dbname={url}"], "pg_dump", env)


def create(url, path):
    """Back up the database at `url` into `path`; record it in the audit trail; return a BackupInfo.
    The head recorded is the chain's head as the backup saw it (read just before: a record written
    meanwhile may be in the file too, never missing from it)."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    partial = f"{path}.part"
    seq, hash_ = audit.head()
    _private_file(partial)
    try:
        if backend(url) == "sqlite":
            _dump_sqlite(url, partial)
        else:
            _dump_postgres(url, partial)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    info = BackupInfo(path, os.path.getsize(path), sha256_of(path), seq, hash_)
    audit.record_event(BackupEvents.BACKUP, BackupEvents.MODEL, None, info.detail())
    return info


def check_file(url, path):
    """Refuse a file that is not a backup of this kind of database (before anything is replaced)."""
    if not os.path.isfile(path):
        raise BackupError(f"No such file: {path}")
    if backend(url) == "sqlite":
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                ok = con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not an SQLite backup: {exc}") from exc
        if not ok or AuditRecord._meta.table_name not in tables:
            raise BackupError(f"{path} is not a SIPAS SQLite backup")
    else:
        listing = _run([tool(TOOLS["restore"]), "--list", path], "pg_restore --list").stdout
        if f"TABLE public {AuditRecord._meta.table_name}" not in listing:
            raise BackupError(f"{path} is not a SIPAS PostgreSQL backup")


@dataclasses.dataclass(frozen=True)
class Current:
    """What a restore would replace: the database, its chain's head and its number of records."""

    database: str
    audit_seq: int
    audit_hash: str
    recorded_backup: dict  # this file's `backup` record in the current trail, or None


def current_state(url, sha256):
    seq, hash_ = audit.head()
    record = (
        AuditRecord.select()
        .where((AuditRecord.action == BackupEvents.BACKUP) & AuditRecord.after.contains(sha256))
        .order_by(AuditRecord.seq.desc())
        .first()
    )
    found = {"at": record.at, "actor": record.actor, "seq": record.seq} if record else None
    return Current(shown_url(url), seq, hash_, found)


def _restore_sqlite(url, path):
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(sqlite_path(url), timeout=30)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_postgres(url, path):
    url, env = _without_password(url)
    _run(
        [
            tool(TOOLS["restore"]),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url}",
            path,
        ],
        "pg_restore",
        env,
    )


def restore(url, path, replaced):
    """Replace the database at `url` with the backup `path` (checked first), then record the restore in
    the restored trail; returns the restored chain's head (seq, hash). `replaced` is the Current the
    caller showed. The app's other processes should be stopped: their connections see the old rows
    (SQLite) or hold locks that make pg_restore wait (PostgreSQL)."""
    check_file(url, path)
    sha256 = sha256_of(path)
    if not db.is_closed():
        db.close()
    if backend(url) == "sqlite":
        _restore_sqlite(url, path)
    else:
        _restore_postgres(url, path)
    db.connect(reuse_if_open=True)
    seq, hash_ = audit.head()
    audit.record_event(
        BackupEvents.RESTORE,
        BackupEvents.MODEL,
        None,
        {
            "file": os.path.basename(path),
            "sha256": sha256,
            "audit_seq": seq,
            "audit_hash": hash_,
            "replaced_seq": replaced.audit_seq,
            "replaced_hash": replaced.audit_hash,
        },
    )
    return seq, hash_
