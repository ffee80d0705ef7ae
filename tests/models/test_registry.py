import pytest
from ggufmake import write_gguf

from reverie.core.errors import ModelError
from reverie.core.settings import Settings
from reverie.models.llama_chat import LlamaChatModel
from reverie.models.openai_chat import OpenAIChatModel
from reverie.models.registry import build_chat_model, chat_model_kinds, register_chat_model


def test_default_is_the_bundled_smollm2_not_loaded():
    m = build_chat_model(Settings(context_size=2048))
    assert isinstance(m, LlamaChatModel) and not m.loaded
    assert m.name == "SmolLM2-135M-Instruct" and m.context_size == 2048


def test_gguf_kind_checks_the_file_first(tmp_path):
    p = write_gguf(tmp_path / "a.gguf", ctx=1024)
    m = build_chat_model(Settings(chat_model_kind="gguf", chat_model_path=str(p)))
    assert isinstance(m, LlamaChatModel) and m.context_size == 1024  # capped by the trained context
    with pytest.raises(ModelError, match="does not exist"):
        build_chat_model(Settings(chat_model_kind="gguf", chat_model_path=str(tmp_path / "b.gguf")))
    with pytest.raises(ModelError, match="No GGUF file is chosen"):
        build_chat_model(Settings(chat_model_kind="gguf"))


def test_server_kind():
    m = build_chat_model(Settings(chat_model_kind="server", server_url="localhost:11434", server_model="llama3"))
    assert isinstance(m, OpenAIChatModel) and m.base_url == "http://localhost:11434"
    with pytest.raises(ModelError, match="No server address"):
        build_chat_model(Settings(chat_model_kind="server"))


def test_unknown_kind_and_registering_a_new_one():
    s = Settings()
    s.chat_model_kind = "mystery"
    with pytest.raises(ModelError, match="does not know"):
        build_chat_model(s)
    register_chat_model("mystery", lambda settings: OpenAIChatModel("http://127.0.0.1:1"))
    try:
        assert isinstance(build_chat_model(s), OpenAIChatModel)
    finally:
        from reverie.models import registry

        registry._FACTORIES.pop("mystery")
    assert chat_model_kinds() == ["default", "gguf", "server"]
