"""Words of every script the hub may hold are found: letters and digits of any alphabet, CJK
runs as overlapping pairs of characters, accents and vowel points folded away."""

from __future__ import annotations

import pytest

from bot.search import Doc, SearchIndex
from bot.search.text import words

DOCS = [
    Doc("he", "article", "javascript", None, "לולאת האירועים בדפדפן",
        "הסבר על לולאת האירועים ותור המשימות."),
    Doc("ar", "article", "javascript", None, "حلقة الأحداث في المتصفح",
        "شرح حلقة الأحداث وطابور المهام في الإصدار ٣."),
    Doc("ru", "article", "javascript", None, "Цикл событий в браузере",
        "Объяснение цикла событий и очереди задач."),
    Doc("el", "article", "javascript", None, "Ο βρόχος συμβάντων στον περιηγητή",
        "Εξήγηση του βρόχου συμβάντων και της ουράς εργασιών."),
    Doc("zh", "article", "javascript", None, "浏览器中的事件循环",
        "事件循环负责调度任务队列。"),
    Doc("ja", "article", "javascript", None, "ブラウザのイベントループ",
        "イベントループはタスクキューを処理します。"),
    Doc("hi", "article", "javascript", None, "ब्राउज़र में इवेंट लूप",
        "इवेंट लूप कार्य कतार को चलाता है।"),
    Doc("fr", "article", "javascript", None, "La boucle des événements du navigateur",
        "Expliquée autour d'un café."),
    Doc("en", "article", "javascript", None, "The event loop in the browser",
        "How the event loop runs the task queue."),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(DOCS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("לולאת האירועים", "he"),  # Hebrew
        ("הָאֵירוּעִים", "he"),  # with vowel points
        ("حلقة الأحداث", "ar"),  # Arabic
        ("حَلْقَة", "ar"),  # with harakat
        ("٣", "ar"),  # an Arabic-Indic digit
        ("цикл событий", "ru"),  # Cyrillic, another case
        ("ОЧЕРЕДИ", "ru"),
        ("βρόχος συμβάντων", "el"),  # Greek
        ("βροχος", "el"),  # without its accent
        ("ΒΡΟΧΟΣ", "el"),  # capitals: Σ folds to the σ that ς folds to
        ("事件循环", "zh"),  # Chinese: a run of characters, found inside a longer one
        ("任务队列", "zh"),
        ("イベントループ", "ja"),  # Japanese katakana
        ("タスクキュー", "ja"),
        ("इवेंट लूप", "hi"),  # Devanagari, vowel signs and virama kept in the word
        ("ब्राउज़र", "hi"),  # with a nukta
        ("cafe", "fr"),  # accented Latin: café and cafe meet
        ("evenements", "fr"),
        ("événements", "fr"),
        ("ＥＶＥＮＴ ＬＯＯＰ", "en"),  # full-width Latin
    ],
)
def test_every_script_is_found(index: SearchIndex, query: str, expected: str) -> None:
    result = index.search(query)
    assert [h.id for h in result.hits][:1] == [expected], result.hits
    assert result.good


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Цикл событий", ["цикл", "событии"]),  # й folds to и, as ё to е: both spellings meet
        ("שָׁלוֹם עולם", ["שלום", "עולם"]),
        ("事件循环", ["事件", "件循", "循环"]),
        ("用React写", ["用", "react", "写"]),
        ("हिन्दी", ["हिन्दी"]),
        ("café crème", ["cafe", "creme"]),
        ("ガイド", ["ガイ", "イド"]),  # the voicing mark stays: ガ is not カ
        ("react-dom αβ-γ", ["react", "dom", "reactdom", "αβ", "γ", "αβγ"]),
    ],
)
def test_words_of_each_script(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_english_words_are_unchanged() -> None:
    assert words("Don't re-render the user_id in node.js (C++/C#)!") == [
        "dont", "re", "render", "rerender", "the", "user", "id", "userid", "in", "node",
        "js", "nodejs", "c++", "c#",
    ]  # fmt: skip
