"""The default: no outside service; the bot answers with the retrieved article's own words."""


class NoAnswerer:
    def compose(self, *, question, passages, language) -> None:
        return None
