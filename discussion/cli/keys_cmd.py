"""`discussion keys show|export|trust`: the signing keys of this data folder and the trusted set.

    discussion keys show [--role assessor|verifier] [--json]
    discussion keys export FILE [--role assessor|verifier]     (FILE "-" = standard output)
    discussion keys trust FILE --name NAME

The key pair is made on first use (also by `show` and `export`). The private key is never
printed. Exit 0 done, 2 a bad file or name (one line naming it and the fix).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discussion.signing.keys import SigningKey


def add_parser(subparsers: Any) -> None:
    """Register the `keys` sub-command and its three actions."""
    parser = subparsers.add_parser(
        "keys",
        help="show or export this data folder's signing key; trust someone else's",
        description="Each assessor and verifier signs sealed records with an Ed25519 key kept "
        "in the data folder (made on first use, readable only by you). Show it, export its "
        "public half for others to trust, or trust someone else's public key.",
    )
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print the public key and its fingerprint")
    _role(show)
    show.add_argument("--json", action="store_true", help="print as JSON")
    show.set_defaults(func=run_show)
    export = actions.add_parser("export", help="write the public key to FILE (PEM)")
    export.add_argument("file", type=Path, help="where to write it (- for standard output)")
    _role(export)
    export.set_defaults(func=run_export)
    trust = actions.add_parser("trust", help="add a public key file to the trusted set")
    trust.add_argument("file", type=Path, help="a public key file from `discussion keys export`")
    trust.add_argument("--name", required=True, help="whose key it is, as verify will show it")
    trust.set_defaults(func=run_trust)


def _role(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--role",
        choices=("assessor", "verifier"),
        default="assessor",
        help="which of this data folder's keys (default: assessor)",
    )


def run_show(args: argparse.Namespace) -> int:
    """Print the public key, fingerprint and where the files are; then the trusted set."""
    from discussion.signing.keys import load_or_create_key
    from discussion.signing.trust import load_trusted, trusted_path

    key = load_or_create_key(args.role)
    trusted = load_trusted()
    if args.json:
        out = {
            "role": args.role,
            "public_key": key.public_key,
            "fingerprint": key.fingerprint,
            "public_key_file": str(key.path.with_suffix(".pub")),
            "trusted": [entry.model_dump(mode="json") for entry in trusted.keys],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.role} key: {key.fingerprint}")
    print(f"  public key (ed25519): {key.public_key}")
    print(f"  public key file: {key.path.with_suffix('.pub')}")
    print(f"trusted keys ({trusted_path()}): {len(trusted.keys) or 'none'}")
    for entry in trusted.keys:
        print(f"  {entry.fingerprint}  {entry.name}  (added {entry.added_at})")
    return 0


def export_text(key: SigningKey, role: str) -> str:
    """The export file's text: two comment lines, then the PEM public key."""
    return (
        f"# discussion {role} public key, fingerprint {key.fingerprint}\n"
        "# trust it with: discussion keys trust FILE --name 'THEIR NAME'\n"
        + key.public_pem().decode("ascii")
    )


def run_export(args: argparse.Namespace) -> int:
    """Write the public key (PEM with a comment naming its fingerprint)."""
    from discussion.errors import UserError
    from discussion.signing.keys import load_or_create_key, write_atomic

    key = load_or_create_key(args.role)
    text = export_text(key, args.role)
    if str(args.file) == "-":
        sys.stdout.write(text)
        return 0
    if args.file.is_dir():
        raise UserError(f"{args.file} is a folder: give a file name, e.g. {args.file}/my-key.pub")
    try:
        write_atomic(args.file, text.encode("ascii"), 0o644)
    except OSError as error:
        raise UserError(f"cannot write {args.file}: {error.strerror}") from error
    print(f"wrote {args.file}: the {args.role} public key {key.fingerprint}")
    return 0


def run_trust(args: argparse.Namespace) -> int:
    """Add the key in FILE to the trusted set under NAME."""
    from discussion.signing.trust import trust_key_file

    entry, what = trust_key_file(args.file, args.name)
    print(f"{what}: {entry.fingerprint}  {entry.name}")
    return 0
