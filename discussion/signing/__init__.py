"""Signed records: Ed25519 key pairs in the data folder, signing and checking, the trusted set.

Textual-free and independent of `discussion.record` (which imports `model`). Import from the
modules, so that loading a record never pays for `cryptography` until a signature is made or
checked:

- `discussion.signing.model`: `Signature` (as records carry it), `fingerprint`, `signed_message`
- `discussion.signing.keys`: `load_or_create_key`, `SigningKey`, `read_public_key_file`, paths
- `discussion.signing.signature`: `sign_fields`, `check_fields`, `SignatureCheck`, `verify_raw`
- `discussion.signing.trust`: the trusted set (`trust_key_file`, `trusted_name`, `load_trusted`)

See docs/record-format.md ("Signatures") for what is signed and why.
"""
