"""Chinese text cut into the words a reader types: jieba with Party-affairs terms, each string cut once.

Material's search box matches whole words and their beginnings only, and
jieba keeps words such as 公车管理 or 重新学习 whole, so a reader typing 管理 or
学习 would miss those pages.  A string is therefore cut twice over:

- its HTML, with ``<wbr/>`` at word boundaries (an empty element: the
  browser's search tokenizer splits there, nothing is shown or copied), never
  a visible or copyable ``\u200b``, and never a one-character word (党 would
  match every branch);
- its words: every dictionary word of two to four characters inside it that
  the shown text does not already split off (jieba's search mode, completed
  by jieba's word graph).  ``PARTY_TERMS`` adds terms jieba would split.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

# Terms of Party affairs that jieba's dictionary lacks or cuts apart (checked against jieba 0.42).
PARTY_TERMS = (
    "主题党日", "三会一课", "对账销号", "民主评议", "组织生活会", "组织生活", "民主生活会", "党务公开", "党支部",
    "临时党支部", "党小组", "党委委员", "支委会", "党员大会", "谈心谈话", "批评与自我批评", "入党积极分子",
    "积极分子", "发展对象", "预备党员", "正式党员", "优秀党员", "党费", "党课", "党建", "第一议题", "两学一做",
    "不忘初心", "牢记使命", "四风", "一岗双责", "全面从严治党", "党风廉政", "廉政建设", "党性教育", "警示教育",
    "理论学习", "中心组", "学习强国", "整改清单", "整改措施", "整改目标", "整改时限", "整改进展", "问题清单",
    "责任清单", "任务清单", "销号", "立行立改", "长期坚持", "征求意见", "会前征求意见", "上级反馈", "对照检查",
    "党员教育", "党员管理", "先锋岗", "示范岗", "党员示范岗", "结对共建", "主题教育", "专题组织生活会",
    "基本合格", "不合格", "参与率", "列席指导",
)
SHORTEST, LONGEST = 2, 4  # lengths of the hidden words: what readers type
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD_CHAR = re.compile(r"\w")
_BREAK = "<wbr/>"  # self-closing: Material's tokenizer treats ``<wbr>`` as an unclosed tag


@dataclass(frozen=True)
class Segmented:
    """One string, cut: its HTML with ``<wbr/>`` between words, and the words inside them."""

    html: str
    words: tuple[str, ...]


class Segmenter:
    """jieba with ``PARTY_TERMS``; each distinct string is cut once and remembered.

    ``separator``: the search's separator (a regular expression): no ``<wbr/>``
    is needed beside a character it already splits at.
    """

    def __init__(self, separator: str = r"\s+") -> None:
        self.known: dict[str, Segmented] = {}
        self.separator = separator
        try:
            self._splits = re.compile(separator)
        except re.error:  # a JavaScript-only pattern: break beside every word
            self._splits = re.compile(r"\s")
        self._jieba = None

    def __call__(self, text: str) -> Segmented:
        found = self.known.get(text)
        if found is None:
            found = self.known[text] = self._cut(text)
        return found

    def _tokenizer(self):  # noqa: ANN202 - jieba.Tokenizer
        if self._jieba is None:
            import jieba  # imported late: its dictionary takes a second to load, and a cached board needs none

            logging.getLogger("jieba").setLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            for term in PARTY_TERMS:
                known = tokenizer.FREQ.get(term, 0)
                tokenizer.add_word(term, freq=max(known, tokenizer.suggest_freq(term, tune=False), 1000))
            self._jieba = tokenizer
        return self._jieba

    def _cut(self, text: str) -> Segmented:
        if not _HAN.search(text):
            return Segmented(escape(text, quote=False), ())
        jieba = self._tokenizer()
        pieces: list[str] = []
        words: dict[str, None] = {}
        at = 0
        for match in _HAN.finditer(text):
            if match.start() > at:
                pieces.append(text[at:match.start()])
            run = match.group()
            graph = jieba.get_DAG(run)  # every dictionary word at every position
            pieces.extend(_no_single_characters(list(_best_cut(jieba, run, graph))))
            covered = set()  # characters inside a dictionary word
            for start, ends in graph.items():
                for end in ends:
                    if end > start:
                        covered.update(range(start, end + 1))
                    if SHORTEST <= end + 1 - start <= LONGEST:
                        words[run[start:end + 1]] = None
            for start in range(len(run) - 1):  # words jieba does not know (入职): every two characters there
                if start not in covered:
                    words[run[start:start + SHORTEST]] = None
            at = match.end()
        if at < len(text):
            pieces.append(text[at:])
        html = escape(pieces[0], quote=False)
        for left, right in zip(pieces, pieces[1:], strict=False):
            if not (self._splits.match(left[-1]) or self._splits.match(right[0])) and _breaks(left[-1], right[0]):
                html += _BREAK
            html += escape(right, quote=False)
        shown = set(pieces)
        return Segmented(html, tuple(word for word in words if word not in shown))


def _no_single_characters(cut: list[str]) -> list[str]:
    """Single characters joined: two or more in a row make a word, one joins the next word (or the last).

    Why: Material's search box cuts a Chinese query at words of the index; a
    one-character word there (党) turns 主题党日 into 主题 or 党, and 党 matches
    every branch.  Nothing is lost: the words inside are in the hidden field.
    """
    out: list[str] = []
    single = ""
    for piece in cut:
        if len(piece) == 1:
            single += piece
        elif len(single) == 1:
            out.append(single + piece)
            single = ""
        else:
            out.extend((single, piece) if single else (piece,))
            single = ""
    if len(single) == 1 and out:
        out[-1] += single
    elif single:
        out.append(single)
    return out


def _best_cut(jieba, run: str, graph: dict[int, list[int]]) -> Iterator[str]:  # noqa: ANN001 - jieba.Tokenizer
    """jieba's default cut of a run of Chinese (``Tokenizer.cut`` with HMM), given the word graph made once."""
    from jieba import finalseg

    route: dict[int, tuple[float, int]] = {}
    jieba.calc(run, graph, route)
    at, single = 0, ""
    while at < len(run):
        end = route[at][1] + 1
        if end - at == 1:
            single += run[at]
        else:
            yield from _singles(jieba, finalseg, single)
            single = ""
            yield run[at:end]
        at = end
    yield from _singles(jieba, finalseg, single)


def _singles(jieba, finalseg, chars: str) -> Iterator[str]:  # noqa: ANN001
    """Characters the dictionary left alone: unknown words found by jieba's HMM (names, new words)."""
    if len(chars) == 1:
        yield chars
    elif chars:
        yield from (finalseg.cut(chars) if not jieba.FREQ.get(chars) else chars)


def _breaks(left: str, right: str) -> bool:
    """A word boundary the browser must be shown: beside Chinese, or between two words."""
    return bool(_HAN.match(left) or _HAN.match(right) or (_WORD_CHAR.match(left) and _WORD_CHAR.match(right)))
