"""The printed footer's wording and size (board/footer.py): the fullest that fits one line of A4 portrait."""

from __future__ import annotations

from generator.board.footer import PAGE_NUMBER, SIZES_PT, WIDTH_PT, em_width, print_footer


def signed(reviewer: str, approver: str) -> dict[str, str]:
    return {"reviewed_by": reviewer, "reviewed_on": "2026-11-25", "approved_by": approver, "approved_on": "2026-11-26"}


def fits(footer) -> bool:
    return em_width(footer.text + PAGE_NUMBER) * footer.size <= WIDTH_PT


def test_usual_names_keep_full_dates_at_the_usual_size():
    footer = print_footer(signed("党委办 王某某", "党委副书记 李某某"))
    assert footer.text == "审核：党委办 王某某（2026年11月25日）　审批：党委副书记 李某某（2026年11月26日）　"
    assert footer.size == SIZES_PT[0] and fits(footer)


def test_long_titles_shrink_then_shorten_dates_then_drop_them_but_never_cut_a_name():
    footers = [print_footer(signed(f"{'党委办公室' * n}主任 王某某", f"{'党委副书记' * n} 李某某")) for n in range(1, 6)]
    assert any("2026.11.25" in f.text for f in footers) and any("（" not in f.text for f in footers)
    for n, footer in enumerate(footers, start=1):
        assert f"{'党委办公室' * n}主任 王某某" in footer.text and f"{'党委副书记' * n} 李某某" in footer.text
        assert footer.size >= SIZES_PT[-1]
    assert all(fits(f) for f in footers[:4])


def test_an_unsigned_board_has_only_the_page_number():
    assert print_footer(None).text == ""
