"""Imported by the bring-in reader process in a test: python-docx is then "not installed" there."""

import sys

sys.modules["docx"] = None  # type: ignore[assignment]
