"""Chinese text cut into the words readers type: shown with <wbr/> between words, the words inside kept."""

from __future__ import annotations

from generator.board.segmenter import Segmenter


def test_words_are_marked_for_the_browser_and_text_is_escaped():
    cut = Segmenter()("公车管理<b>&制度")
    assert cut.html.replace("<wbr/>", "") == "公车管理&lt;b&gt;&amp;制度"
    assert "<wbr/>" in cut.html and "<b>" not in cut.html
    assert "管理" in cut.words or "管理" in cut.html.split("<wbr/>")


def test_party_terms_stay_whole_and_no_word_is_one_character():
    cut = Segmenter()("开展主题党日活动")
    shown = cut.html.split("<wbr/>")
    assert "主题党日" in shown
    assert all(len(piece) > 1 for piece in shown)  # 党 alone would match every branch


def test_each_string_is_cut_once_and_text_without_chinese_is_left_alone():
    segment = Segmenter()
    first = segment("理论学习不够深入")
    assert segment("理论学习不够深入") is first and list(segment.known) == ["理论学习不够深入"]
    assert segment("ABC 123").html == "ABC 123" and segment("ABC 123").words == ()
