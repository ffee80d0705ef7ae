"""Adapters for real models (sentence-transformers, llama.cpp, OpenAI-compatible servers).

No Qt here, and nothing from ``reverie.app``. Adapters load lazily: on first use, never on
import or construction.
"""
