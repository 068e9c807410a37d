"""An OpenAI-compatible chat-completions service (POST {base}/chat/completions, bearer key).

Called only outside a database transaction (core.outbound), with a timeout; any failure -> None.
The prompt gives the service the retrieved articles only and tells it to answer from them.
"""

import json
import logging
import urllib.error
import urllib.request

from dianpu.core.outbound import ensure_outside_transaction

from .base import Passage

log = logging.getLogger(__name__)
MAX_ANSWER = 2000
MAX_RESPONSE_BYTES = 256 * 1024

INSTRUCTIONS = {
    "zh-hans": "你是网店的客服助手。只根据下面的帮助文章回答顾客的问题，用简体中文，简洁礼貌；文章中没有的内容不要编造。",
    "en": "You are a shop's customer service assistant. Answer the customer's question only from the help "
    "articles below, in English, briefly and politely; do not make up anything the articles do not say.",
}


class OpenAICompatibleAnswerer:
    def __init__(self, *, base_url: str, key: str = "", model: str = "", timeout: float = 8.0):
        self.base_url, self.key, self.model, self.timeout = (base_url or "").rstrip("/"), key, model, timeout

    def _payload(self, question: str, passages: list[Passage], language: str) -> dict:
        articles = "\n\n".join(f"# {p.title}\n{p.text}" for p in passages)
        return {
            "model": self.model,
            "messages": [
                {"role": "system", "content": INSTRUCTIONS.get(language, INSTRUCTIONS["en"]) + "\n\n" + articles},
                {"role": "user", "content": question},
            ],
            "temperature": 0,
        }

    def compose(self, *, question: str, passages: list[Passage], language: str) -> str | None:
        if not self.base_url.startswith(("http://", "https://")) or not passages:
            return None
        ensure_outside_transaction("knowledge answerer POST /chat/completions")
        body = json.dumps(self._payload(question, passages, language)).encode()
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(self.base_url + "/chat/completions", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                data = json.loads(response.read(MAX_RESPONSE_BYTES))
            text = data["choices"][0]["message"]["content"]
        except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("knowledge answerer failed: %s", exc)
            return None
        text = " ".join(str(text or "").split()) if "\n" not in str(text) else str(text).strip()
        return text[:MAX_ANSWER] or None
