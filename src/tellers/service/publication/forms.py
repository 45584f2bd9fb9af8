"""The returning officer's forms, and the public receipt check."""

from __future__ import annotations

from typing import Any

from django import forms
from nacl.public import PrivateKey

from ..ballots.sealing import KeyFileError, read_key_file

__all__ = ["ConfirmForm", "CountForm", "ReceiptForm"]

#: A key file is a few hundred bytes; anything far larger is not one.
MAX_KEY_FILE = 64 * 1024


class ConfirmForm(forms.Form):
    """A button that confirms an act (close, sign off, publish); the CSRF token is the input."""


class CountForm(forms.Form):
    """The election's key file and its passphrase, opened in memory for the count."""

    key_file = forms.FileField(
        label="Election key file",
        help_text="The file made by 'tellers key new' when the election was set up.",
    )
    passphrase = forms.CharField(
        label="Passphrase",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The opened private key, once the form is valid; it lives only in this request.
        self.key: PrivateKey | None = None

    def clean(self) -> dict[str, Any]:
        """Open the key file with the passphrase, naming the field at fault."""
        data = super().clean() or {}
        upload, passphrase = data.get("key_file"), data.get("passphrase")
        if upload is None or passphrase is None:
            return data
        if upload.size is not None and upload.size > MAX_KEY_FILE:
            self.add_error("key_file", "This file is too large to be an election key file.")
            return data
        raw = upload.read()
        try:
            self.key = read_key_file(raw, passphrase)
        except KeyFileError as e:
            field = "passphrase" if "passphrase does not open" in str(e) else "key_file"
            self.add_error(field, f"The key could not be opened: {e}.")
        return data


class ReceiptForm(forms.Form):
    """A voter's receipt code, to look up in the published list."""

    receipt = forms.CharField(
        label="Your receipt code",
        max_length=40,
        help_text="As shown when you voted, e.g. ABCD-EFGH-IJKL-MNOP.",
    )

    def clean_receipt(self) -> str:
        """Accept the code in any case, with or without spaces and dashes."""
        raw = "".join(ch for ch in str(self.cleaned_data["receipt"]).upper() if ch.isalnum())
        if len(raw) != 16:
            raise forms.ValidationError("A receipt code has 16 letters and digits.")
        return "-".join(raw[i : i + 4] for i in range(0, 16, 4))
