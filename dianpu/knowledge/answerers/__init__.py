"""Optional outside answerers: a configured AI service may word the bot's answer from the articles
the built-in retrieval found. Never required: with KNOWLEDGE_ANSWERER = "none" (the default) the
bot answers with the best article's passage.

    KNOWLEDGE_ANSWERER = "openai"             an OpenAI-compatible /chat/completions service
    KNOWLEDGE_ANSWERER_URL = "https://…/v1"   its base URL
    KNOWLEDGE_ANSWERER_KEY = "…"              its bearer key
    KNOWLEDGE_ANSWERER_MODEL = "…"            the model name it expects

An answerer that fails (timeout, error, empty reply) returns None and the built-in answer is used.
"""

from django.conf import settings

from .base import Answerer, Passage
from .none import NoAnswerer


def get_answerer() -> Answerer:
    kind = (getattr(settings, "KNOWLEDGE_ANSWERER", "none") or "none").strip().lower()
    if kind == "openai":
        from .openai_compatible import OpenAICompatibleAnswerer

        return OpenAICompatibleAnswerer(
            base_url=getattr(settings, "KNOWLEDGE_ANSWERER_URL", ""),
            key=getattr(settings, "KNOWLEDGE_ANSWERER_KEY", ""),
            model=getattr(settings, "KNOWLEDGE_ANSWERER_MODEL", ""),
            timeout=float(getattr(settings, "KNOWLEDGE_ANSWERER_TIMEOUT", 8.0)),
        )
    return NoAnswerer()


__all__ = ["Answerer", "Passage", "get_answerer"]
