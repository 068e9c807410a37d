"""Knowledge base (知识库) and the storefront bot (智能客服).

Owns help articles (public help pages on the storefront, internal notes for staff), their search
in Chinese (jieba tokens, catalog.domain.search) and English, the bot that answers "where is my
order" only after the visitor proved the order is theirs (number + its e-mail or phone), answers
other questions from public articles and hands over to a person (support app) when unsure or
asked, and the bot's log with the visitors' ratings.

Public services: save_article, publish_article, unpublish_article, answer_bot_message,
rate_bot_answer. Uses orders, fulfillment (queries), customers.domain.phones, catalog.domain.search,
accounts.throttling, audit; support only lazily for the hand-over. Nothing imports it but edges.
"""
