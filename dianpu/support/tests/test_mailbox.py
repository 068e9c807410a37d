"""Polling the service mailbox against a local IMAP server speaking the protocol (RFC 3501: LOGIN,
SELECT, UID SEARCH / FETCH / STORE): unseen messages become conversations, are flagged seen, and a
second poll adds nothing; a wrong password stores nothing."""

import re
import socketserver
import threading

import pytest

from dianpu.support import services
from dianpu.support.models import Conversation, Message

pytestmark = pytest.mark.django_db


def _mail(n: int, body: str) -> bytes:
    return (
        f"From: 顾客{n} <c{n}@example.com>\r\nSubject: 咨询 {n}\r\nMessage-ID: <imap-{n}@example.com>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


class FakeImap(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, messages: dict[int, bytes]):
        self.messages, self.seen, self.logins = dict(messages), set(), []
        super().__init__(("127.0.0.1", 0), ImapHandler)


class ImapHandler(socketserver.StreamRequestHandler):
    def send(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")

    def handle(self):
        server = self.server
        self.send(b"* OK [CAPABILITY IMAP4rev1] fake ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _sp, rest = line.strip().partition(b" ")
            command = rest.decode()
            upper = command.upper()
            if upper.startswith("CAPABILITY"):
                self.send(b"* CAPABILITY IMAP4rev1")
            elif upper.startswith("LOGIN"):
                user, password = re.findall(r'"([^"]*)"|(\S+)', command[6:])[0:2]
                user, password = user[0] or user[1], password[0] or password[1]
                server.logins.append(user)
                if password != "secret":
                    self.send(tag + b" NO [AUTHENTICATIONFAILED] wrong password")
                    continue
            elif upper.startswith("SELECT"):
                self.send(f"* {len(server.messages)} EXISTS".encode())
            elif upper.startswith("UID SEARCH"):
                unseen = [str(uid) for uid in sorted(server.messages) if uid not in server.seen]
                self.send(("* SEARCH " + " ".join(unseen)).rstrip().encode())
            elif upper.startswith("UID FETCH"):
                uid = int(command.split()[2])
                raw = server.messages[uid]
                self.wfile.write(f"* {uid} FETCH (UID {uid} RFC822 {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
            elif upper.startswith("UID STORE"):
                server.seen.add(int(command.split()[2]))
            elif upper.startswith("LOGOUT"):
                self.send(b"* BYE")
                self.send(tag + b" OK LOGOUT done")
                return
            self.send(tag + b" OK done")


@pytest.fixture
def imap():
    server = FakeImap({1: _mail(1, "请问什么时候发货？"), 2: _mail(2, "要开发票"), 3: b"not an e-mail at all"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_unseen_messages_become_conversations_once(imap, settings):
    settings.SUPPORT_IMAP_URL = f"imap://service%40shop.example.com:secret@127.0.0.1:{imap.server_address[1]}/INBOX"
    assert services.poll_support_mailbox() == 3
    assert imap.seen == {1, 2, 3} and imap.logins == ["service@shop.example.com"]
    assert sorted(Conversation.objects.values_list("email", "channel")) == [
        ("c1@example.com", "email"),
        ("c2@example.com", "email"),
    ]
    imap.seen.discard(1)  # a flag lost on the server: fetched again, stored once (its Message-ID)
    assert services.poll_support_mailbox() == 1
    assert Message.objects.count() == 2


def test_a_wrong_password_stores_nothing(imap, settings):
    import imaplib

    settings.SUPPORT_IMAP_URL = f"imap://service:wrong@127.0.0.1:{imap.server_address[1]}/INBOX"
    with pytest.raises(imaplib.IMAP4.error):
        services.poll_support_mailbox()
    assert Conversation.objects.count() == 0 and imap.seen == set()


def test_without_the_setting_nothing_is_polled(settings):
    settings.SUPPORT_IMAP_URL = ""
    assert services.poll_support_mailbox() == 0
