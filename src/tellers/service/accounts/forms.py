"""The six-digit code form."""

from __future__ import annotations

from django import forms

__all__ = ["CodeForm"]


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code from your authenticator app",
        min_length=6,
        max_length=8,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("The code is six digits.")
        return code
