"""The pure half of ranked search: query plans, synonyms, the index query texts, typo corrections."""

from dianpu.catalog.domain.search import (
    build_search_document,
    corrected_query,
    one_edit_away,
    plan_corrections,
    plan_query,
    synonym_words,
    to_fts5_match,
    to_tsquery,
)


def test_a_word_counts_once_per_part_it_appears_in():
    document = build_search_document("普洱茶", "茶叶")
    assert document.split().count("茶") == 2


def test_synonym_groups_are_split_on_commas_and_equals_signs():
    assert synonym_words("手机，电话、 移动电话") == ["手机", "电话", "移动电话"]
    assert synonym_words("Tee = T-Shirt") == ["tee", "t-shirt"]
    assert synonym_words(" , ;") == []


def test_a_query_word_widens_to_its_synonym_group():
    groups = [["tee", "t-shirt"], ["手机", "电话"]]
    assert plan_query("白色 tee", groups) == [[["tee"], ["t", "shirt"]], [["白色"]]]
    assert plan_query("电话壳", groups) == [[["手机"], ["电话"]], [["壳"]]]
    assert plan_query("teenager", groups) == [[["teenager"]]]  # a Latin synonym matches whole words only


def test_the_fts5_and_tsquery_texts_quote_every_word():
    clauses = plan_query('羽绒 jacket "x', [])
    assert to_fts5_match(clauses) == '((("羽绒" OR ("羽" AND "绒")))) AND (("jacket"*)) AND (("x"))'
    assert to_tsquery(clauses) == "((('羽绒' | ('羽' & '绒')))) & (('jacket':*)) & (('x'))"
    assert to_tsquery([[["o'neil"]]]) == "(('o''neil':*))"


def test_one_edit_away_covers_deletions_transpositions_substitutions_insertions():
    near = one_edit_away("jaket")
    assert {"jacket", "jakt", "ajket", "jakes"} <= near
    assert "jacket" in one_edit_away("jackte") and "jaket" not in near


def test_an_unknown_latin_word_is_corrected_to_the_commonest_known_neighbour():
    clauses = plan_query("cottn shirt", [])
    assert plan_corrections(clauses, {"cotton": 40, "cottan": 2, "shirt": 10}) == {"cottn": "cotton"}
    assert plan_corrections(clauses, {"cottn": 1, "shirt": 3}) == {}  # known words stay as typed
    assert plan_corrections(plan_query("tee", []), {"toe": 5}) == {}  # too short to correct
    assert corrected_query("Cottn shirt", {"cottn": "cotton"}) == "cotton shirt"
