"""Encryption of connector secrets at rest (Fernet, key outside the database).

The key comes from the Odoo config option ``mfg_secrets_key`` or the
environment variable ``MFG_SECRETS_KEY``; several comma-separated keys allow
rotation (the first encrypts, all decrypt).
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretKeyError(Exception):
    """No usable key, or a stored secret that no key decrypts."""


def make_box(key_setting):
    if not key_setting:
        raise SecretKeyError(
            "No secrets key: set mfg_secrets_key in the Odoo config file or "
            "MFG_SECRETS_KEY in the environment (generate one with "
            "python3 -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')"
        )
    try:
        keys = [Fernet(k.strip().encode()) for k in key_setting.split(",") if k.strip()]
    except (ValueError, TypeError) as err:
        raise SecretKeyError("mfg_secrets_key is not a valid Fernet key") from err
    return MultiFernet(keys)


def encrypt(box, plain):
    return box.encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt(box, token):
    try:
        return box.decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as err:
        raise SecretKeyError(
            "a stored secret cannot be decrypted with the configured key"
        ) from err
