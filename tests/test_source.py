"""Reading YAML safely: encodings, hostile files, syntax errors with lines."""

from __future__ import annotations

import codecs
import os
import re
import time
from pathlib import Path

from generator.content.model import Severity
from generator.content.source import MAX_FILE_BYTES, MAX_TEXT_CHARS, read_yaml


def read(tmp_path: Path, data: bytes | str):
    path = tmp_path / "x.yml"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return read_yaml(path, "x.yml")


def test_values_keep_the_line_of_their_key(tmp_path):
    root, problems = read(tmp_path, "# comment\nname: 一支部\nevaluation:\n  members: 3\nlist:\n  - a\n  - b\n")
    assert problems == []
    assert root.value["name"].line == 2
    assert root.value["evaluation"].value["members"].line == 4
    assert [n.line for n in root.value["list"].value] == [6, 7]


def test_scalars_stay_text_and_empty_is_none(tmp_path):
    root, _ = read(tmp_path, 'id: 01\ncount: 12\nday: 2024-06-30\nflag: yes\nempty:\nquoted: ""\n')
    values = {k: v.value for k, v in root.value.items()}
    assert values == {"id": "01", "count": "12", "day": "2024-06-30", "flag": "yes", "empty": None, "quoted": ""}


def test_utf8_bom_and_windows_line_endings(tmp_path):
    root, problems = read(tmp_path, codecs.BOM_UTF8 + "name: 一支部\r\nkind: 党支部\r\n".encode())
    assert problems == []
    assert root.value["name"].value == "一支部"
    assert root.value["kind"].line == 2


def test_gbk_file_is_read_with_a_warning(tmp_path):
    root, problems = read(tmp_path, "name: 机关第一党支部\n".encode("gbk"))
    assert root.value["name"].value == "机关第一党支部"
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "UTF-8" in problems[0].message and "另存为" in problems[0].message


def test_undecodable_bytes_are_refused(tmp_path):
    root, problems = read(tmp_path, b"name: \x81\x20\xff\xfe\n")
    assert root is None
    assert "UTF-8" in problems[0].message


def test_python_tags_are_refused_never_run(tmp_path):
    marker = tmp_path / "ran"
    root, problems = read(tmp_path, f'name: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert root is None
    assert problems[0].line == 1 and "标签" in problems[0].message
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    started = time.perf_counter()
    root, problems = read(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1.0
    assert root is None
    assert problems[0].line == 1 and "别名" in problems[0].message


def test_text_starting_with_star_gets_a_hint(tmp_path):
    root, problems = read(tmp_path, "problem: *重点*问题\n")
    assert root is None
    assert problems[0].line == 1 and "引号" in problems[0].message


def test_huge_file_and_huge_text_are_refused(tmp_path):
    _, problems = read(tmp_path, "a: " + "x" * (MAX_FILE_BYTES + 1))
    assert "文件过大" in problems[0].message
    _, problems = read(tmp_path, "a: b\nc: " + "字" * (MAX_TEXT_CHARS + 1) + "\n")
    assert problems[0].line == 2 and "文字过长" in problems[0].message


def test_syntax_error_gives_line_and_column(tmp_path):
    root, problems = read(tmp_path, "name: 一支部\nproblem: 学习: 不够\n")
    assert root is None
    assert problems[0].line == 2
    assert "第 12 列" in problems[0].message and "冒号" in problems[0].message


def test_duplicate_keys_are_refused(tmp_path):
    _, problems = read(tmp_path, "name: a\nkind: 党支部\nname: b\n")
    assert problems[0].line == 3 and "第 1 行" in problems[0].message


def test_tab_indentation_is_explained(tmp_path):
    _, problems = read(tmp_path, "meeting:\n\tdate: 2024-01-01\n")
    assert problems[0].line == 2 and "Tab" in problems[0].message


def test_unclosed_quote_and_bracket_are_explained(tmp_path):
    _, problems = read(tmp_path, 'name: "一支部\nkind: 党支部\n')
    assert "引号没有闭合" in problems[0].message
    _, problems = read(tmp_path, "feedback: [电话, 信箱\n")
    assert problems[0].line == 2 and "方括号" in problems[0].message


def test_a_full_width_colon_from_a_chinese_input_method_is_named_on_its_own_line(tmp_path):
    head = 'name: 第一党支部\nrectifications:\n  - id: "01"\n    problem: 问题\n'
    for text, line in [(head + "    owner：钱某某\n    deadline: 2024-12-31\n", 5),   # the parser notices a line later
                       (head + "    deadline: 2024-12-31\n    owner：钱某某\n", 6),   # or past the end of the file
                       ("name：第一党支部\n", 1),                                       # or reads one plain text
                       (head + "    measures:\n      - owner：钱某某\n", 6)]:
        root, problems = read(tmp_path, text)
        assert root is None
        assert [(p.line, p.message) for p in problems] == [
            (line, f"“{'name' if line == 1 else 'owner'}：”用的是中文全角冒号“：”（中文输入法打出的）："
                   f"键后面要用英文冒号加空格，写成 {'name' if line == 1 else 'owner'}: ……")], text
    root, problems = read(tmp_path, 'progress: |\n  note：块里的文字照原样\nowner: "x：y"\n')
    assert problems == [] and root.value["progress"].value == "note：块里的文字照原样\n"  # text is text


def test_a_key_typed_without_its_colon_is_named_on_its_own_line(tmp_path):
    head = 'name: 第一党支部\nrectifications:\n  - id: "01"\n'
    for text, line, key in [("name 第一党支部\nkind: 党支部\n", 1, "name"),                  # the parser notices a line later
                            ("name: 第一党支部\nsecretary 张某某\n", 2, "secretary"),         # or past the end of the file
                            (head + "    problem 问题\n    owner: 张某某\n", 4, "problem")]:
        root, problems = read(tmp_path, text)
        assert root is None
        assert [(p.line, p.message) for p in problems] == [
            (line, f"“{key}”后面少了冒号：键后面要写英文冒号加空格，写成 {key}: ……")], text
    root, problems = read(tmp_path, "progress: |\n  owner 张某某 负责\nkind: 党支部\n")
    assert problems == [] and root.value["progress"].value == "owner 张某某 负责\n"  # text is text
    _, problems = read(tmp_path, "progress: |\n  owner 张某某 负责\n  二\n  三\n  四\nstatus: 已完成: 好\n")
    assert [p.line for p in problems] == [6] and "冒号加空格" in problems[0].message  # not the text far above


def test_operating_system_errors_are_said_in_chinese():
    import errno

    from generator.content.source import os_reason

    for code in (errno.ENOSPC, errno.EACCES, errno.ENOENT, errno.EPIPE):
        said = os_reason(OSError(code, os.strerror(code)))
        assert said != os.strerror(code) and not re.search(r"[A-Za-z]{3,}", said.replace("head", "")), said
