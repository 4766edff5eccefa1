"""Ed25519 key pairs in the data folder: made on first use, private half 0600, never logged.

    DATA/keys/assessor.key   PKCS8 PEM private key (0600), written atomically and fsync'd
    DATA/keys/assessor.pub   the public half as PEM (what `discussion keys export` writes)
    DATA/keys/verifier.key   the verifier's pair, made the first time a verifier signs

The keys folder is never inside `sessions/`: a session folder is copied and handed to others,
the private key must not travel with it.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from discussion.errors import UserError
from discussion.paths import data_home, data_home_path, ensure_folder
from discussion.safe_files import UnsafeFileError, read_bounded
from discussion.signing.model import fingerprint

KeyRole = Literal["assessor", "verifier"]
KEY_ROLES: tuple[KeyRole, ...] = get_args(KeyRole)
KEYS_DIR = "keys"
PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644
MAX_KEY_FILE_BYTES = 64 * 1024
_PEM_PUBLIC = re.compile(
    rb"-----BEGIN PUBLIC KEY-----\s+[A-Za-z0-9+/=\s]+?-----END PUBLIC KEY-----"
)


class KeyFileError(UserError):
    """A key file that cannot be used (names the file and the fix; exit 2)."""


@dataclass(frozen=True)
class SigningKey:
    """A private key loaded from the data folder, with its public half in the forms we show."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def public_raw(self) -> bytes:
        """The 32 raw bytes of the public key."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def public_key(self) -> str:
        """The public key as base64 of its 32 raw bytes (how records carry it)."""
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        """The short fingerprint people compare by eye (see `model.fingerprint`)."""
        return fingerprint(self.public_key)

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of `message`."""
        return self.private.sign(message)

    def public_pem(self) -> bytes:
        """The public key as a PEM block (SubjectPublicKeyInfo)."""
        return public_pem(self.private.public_key())

    def __repr__(self) -> str:  # never print the private key, even in a debug log
        return f"SigningKey(path={self.path}, fingerprint={self.fingerprint!r})"


def public_pem(key: Ed25519PublicKey) -> bytes:
    """A public key as PEM (SubjectPublicKeyInfo), the format `keys export` writes."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_b64(key: Ed25519PublicKey) -> str:
    """A public key as base64 of its 32 raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def keys_dir(home: Path | None = None) -> Path:
    """`DATA/keys` (0700), created if missing; UserError with the fix if it cannot be."""
    return ensure_folder((home if home is not None else data_home()) / KEYS_DIR)


def private_key_path(role: KeyRole = "assessor", home: Path | None = None) -> Path:
    """Where the private key of `role` lives (the folder is created, the key is not)."""
    return keys_dir(home) / f"{role}.key"


def load_or_create_key(role: KeyRole = "assessor", home: Path | None = None) -> SigningKey:
    """The data folder's key pair for `role`, made (atomically, 0600, fsync'd) on first use.

    Raises KeyFileError (a UserError) for an unreadable, unsafe or malformed key file.
    """
    if role not in KEY_ROLES:
        raise ValueError(f"unknown key role {role!r}")
    path = private_key_path(role, home)
    if not os.path.lexists(path):
        _create(path)
    key = load_private_key(path)
    _write_public(path.with_suffix(".pub"), key)
    return key


def existing_key(role: KeyRole, home: Path | None = None) -> SigningKey | None:
    """The key of `role` if it has been made (never creates one)."""
    path = (home if home is not None else data_home_path()) / KEYS_DIR / f"{role}.key"
    return load_private_key(path) if os.path.lexists(path) else None


def load_private_key(path: Path, *, owner_only: bool = True) -> SigningKey:
    """Read an Ed25519 PKCS8 PEM private key that only its owner can read.

    `owner_only=False` is for the published sample key (transcripts/sample-key.pem), which a
    git checkout leaves readable by all; lines before the PEM block (comments) are skipped.
    """
    fix = "restore it from your backup, or move it aside and a new key is made (records "
    fix += "signed with the old key then need the old public key to be trusted)"
    try:
        mode = os.lstat(path).st_mode
    except OSError as error:
        raise KeyFileError(f"{path}: cannot be read ({error.strerror}); {fix}") from None
    if owner_only and stat.S_ISREG(mode) and mode & 0o077:
        raise KeyFileError(
            f"{path}: the private key can be read by other users (mode "
            f"{stat.S_IMODE(mode):04o}); run `chmod 600 {path}`"
        )
    try:
        data = read_bounded(path, MAX_KEY_FILE_BYTES, follow_symlinks=False)
    except (FileNotFoundError, UnsafeFileError) as error:
        reason = error.reason if isinstance(error, UnsafeFileError) else "is missing"
        raise KeyFileError(f"{path} {reason}; {fix}") from None
    start = data.find(b"-----BEGIN")
    try:
        private = serialization.load_pem_private_key(data[max(start, 0) :], password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path} is not a PEM private key; {fix}") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 key; {fix}")
    return SigningKey(private, path)


def read_public_key_file(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file (lines before the PEM block, e.g. comments, are
    allowed). KeyFileError naming the file and the fix otherwise."""
    fix = "ask its owner for the file `discussion keys export FILE` writes"
    try:
        data = read_bounded(path, MAX_KEY_FILE_BYTES)
    except FileNotFoundError:
        raise KeyFileError(f"{path} does not exist; {fix}") from None
    except UnsafeFileError as error:
        raise KeyFileError(f"{path} {error.reason}; {fix}") from None
    match = _PEM_PUBLIC.search(data)
    if match is None:
        raise KeyFileError(f"{path} holds no PEM public key (BEGIN PUBLIC KEY); {fix}")
    try:
        key = serialization.load_pem_public_key(match.group(0))
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path} holds a damaged PEM public key; {fix}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} is not an Ed25519 public key; {fix}")
    return key


def write_atomic(path: Path, content: bytes, mode: int, *, exclusive: bool = False) -> bool:
    """Write `content` to `path` via a temporary file: fsync'd, renamed in, folder fsync'd.

    With `exclusive`, an existing `path` is left alone and False is returned (two processes
    making the first key at once end up with the same one).
    """
    folder = path.parent
    tmp = folder / f".{path.name}.tmp-{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)  # the umask must not widen or narrow it
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    os.close(fd)
    try:
        if exclusive:
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
        else:
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(folder)
    return True


def _create(path: Path) -> None:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        write_atomic(path, pem, PRIVATE_MODE, exclusive=True)
    except OSError as error:
        from discussion.errors import os_fix

        fix = os_fix(error) or (
            "make the data folder writable or set DISCUSSION_HOME to a folder you can write to"
        )
        raise KeyFileError(f"cannot make the signing key {path}: {error.strerror}; {fix}") from None


def _write_public(path: Path, key: SigningKey) -> None:
    """Keep `role.pub` beside the private key (rewritten only when missing or different)."""
    pem = key.public_pem()
    try:
        if read_bounded(path, MAX_KEY_FILE_BYTES, follow_symlinks=False) == pem:
            return
    except (FileNotFoundError, UnsafeFileError):
        pass
    with contextlib.suppress(OSError):  # a convenience copy: the private key is what counts
        write_atomic(path, pem, PUBLIC_MODE)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
