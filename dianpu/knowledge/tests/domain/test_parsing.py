"""Reading a visitor's message: order number, e-mail, phone, a request for a person (no database)."""

import pytest

from dianpu.knowledge.domain.bot import Memory, Step, decide, forget_proof, remember
from dianpu.knowledge.domain.parsing import parse_message, proof_matches

NUMBER = "DP261207123456"


@pytest.mark.parametrize(
    "text, number, email, phone",
    [
        (f"我的订单 {NUMBER} 到哪了？邮箱 Buyer@Example.com", NUMBER, "buyer@example.com", ""),
        (f"我的订单{NUMBER}到哪了？邮箱buyer@example.com。", NUMBER, "buyer@example.com", ""),
        (f"where is order {NUMBER.lower()} my email is buyer@example.com", NUMBER, "buyer@example.com", ""),
        (f"订单 {NUMBER} 手机 138 0013 8000", NUMBER, "", "+8613800138000"),
        (f"order {NUMBER}, phone +86 138-0013-8000", NUMBER, "", "+8613800138000"),
        ("ＤＰ２６１２０７１２３４５６ 到哪了", NUMBER, "", ""),  # full-width letters and digits
        ("订单 DP26120712345 少一位", "", "", ""),
        ("XDP261207123456 is not an order number", "", "", ""),
    ],
)
def test_order_number_email_and_phone_are_found_in_chinese_and_english(text, number, email, phone):
    parsed = parse_message(text)
    assert (parsed.order_number, parsed.email, parsed.phone) == (number, email, phone)


def test_the_order_numbers_digits_are_not_read_as_a_phone():
    assert parse_message(f"订单 {NUMBER}").phone == ""


@pytest.mark.parametrize("text", ["转人工", "我要人工客服", "talk to a human please", "Agent!", "找客服"])
def test_asking_for_a_person_is_understood(text):
    assert parse_message(text).wants_human


@pytest.mark.parametrize("text", ["退货运费谁出？", "how long does delivery take", "agenda of the sale"])
def test_other_questions_do_not_ask_for_a_person(text):
    assert not parse_message(text).wants_human


def test_language_follows_the_message():
    assert parse_message("退货要几天").language == "zh-hans"
    assert parse_message("how do returns work").language == "en"


def test_proof_is_the_orders_email_in_any_case_or_its_phone_in_any_form():
    assert proof_matches(given_email="A@B.COM", given_phone="", order_email="a@b.com", order_phone="")
    assert proof_matches(
        given_email="", given_phone="+8613800138000", order_email="a@b.com", order_phone="138 0013 8000"
    )
    assert not proof_matches(given_email="x@b.com", given_phone="", order_email="a@b.com", order_phone="13800138000")
    assert not proof_matches(given_email="", given_phone="", order_email="a@b.com", order_phone="13800138000")


def test_the_bot_asks_for_what_is_missing_and_remembers_what_was_given():
    memory = Memory()
    first = parse_message("我的订单到哪了？")
    memory = remember(memory, first)
    assert decide(first, memory) == Step.ASK_ORDER_NUMBER
    second = parse_message(NUMBER)
    memory = remember(memory, second)
    assert decide(second, memory) == Step.ASK_PROOF
    third = parse_message("buyer@example.com")
    memory = remember(memory, third)
    assert memory == Memory(NUMBER, "buyer@example.com", "")
    assert decide(third, memory) == Step.LOOK_UP_ORDER
    assert forget_proof(memory) == Memory(NUMBER, "", "")


def test_human_wins_over_everything_and_a_plain_question_goes_to_the_articles():
    message = parse_message(f"订单 {NUMBER} 转人工")
    assert decide(message, remember(Memory(), message)) == Step.HUMAN
    question = parse_message("怎么退货")
    assert decide(question, Memory()) == Step.ARTICLES
    assert decide(parse_message("你好"), Memory()) == Step.GREETING


def test_a_bare_order_number_or_email_does_not_decide_the_language():
    assert parse_message(NUMBER).language == ""
    assert parse_message("buyer@example.com 13800138000").language == ""
    assert parse_message("我的邮箱 buyer@example.com").language == "zh-hans"
