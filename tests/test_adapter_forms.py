"""Laying a core form out in a platform's text boxes and pages, and joining it back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.forms import boxes, joined, pages
from bot.replies import Form, Input

CODE = Input("code", "Code", max_length=10_000, multiline=True)
FORM = Form("Suggest a snippet", "suggest", "new:snippet", (Input("title", "Title"), CODE))


def test_a_long_input_takes_several_boxes_and_pages_hold_five() -> None:
    laid = boxes(FORM, 3_000)
    assert [box.key for box in laid] == ["title", "code.1", "code.2", "code.3", "code.4"]
    assert [box.max_length for box in laid] == [200, 3_000, 3_000, 3_000, 1_000]
    assert laid[2].label(45) == "Code (2/4)"
    assert [len(page) for page in pages(FORM, 4_000, 2)] == [2, 2]


@given(st.text(alphabet="ab \n", max_size=10_000) | st.just("x\n" * 5_000))
def test_what_is_typed_joins_back_whole(code: str) -> None:
    form = Form("t", "suggest", inputs=(Input("code", "Code", value=code, max_length=10_000),))
    typed = {box.key: box.value for box in boxes(form, 3_000)}
    assert all(len(box.value) <= box.max_length for box in boxes(form, 3_000))
    assert joined(form, 3_000, typed) == {"code": code}


def test_an_error_shows_on_the_first_box_of_its_input() -> None:
    form = Form("t", "suggest", inputs=(Input("code", "Code", max_length=6_000, error="Needed."),))
    assert [box.error for box in boxes(form, 3_000)] == ["Needed.", ""]


def test_a_value_longer_than_its_limit_is_laid_out_whole() -> None:
    code = "x" * 7_000  # the core widens such an input; a form that does not must lose nothing
    form = Form("t", "suggest", inputs=(Input("code", "Code", value=code, max_length=6_000),))
    laid = boxes(form, 3_000)
    assert all(len(box.value) <= box.max_length for box in laid)
    assert joined(form, 3_000, {box.key: box.value for box in laid}) == {"code": code}
