import pytest

from explainers import yamlfile


def test_every_scalar_is_a_string_and_keys_stay_words():
    data, problems = yamlfile.load("no: yes\n2024: 1.5\nd: 2022-05-19\nempty:\n")
    assert problems == []
    assert data == {"no": "yes", "2024": "1.5", "d": "2022-05-19", "empty": None}


def test_lines_of_keys_are_recorded():
    data, _ = yamlfile.load("a: 1\nclaims:\n  x:\n    status: v\n")
    assert data.line_of("claims") == 2
    assert data["claims"].line_of("x") == 3
    assert data["claims"]["x"].line_of("status") == 4


def test_every_duplicate_key_is_reported_with_its_line():
    data, problems = yamlfile.load("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    assert [(p.line, p.message) for p in problems] == [
        (4, "duplicate key 'c' (first given on line 3)"),
        (5, "duplicate key 'a' (first given on line 1)"),
    ]


def test_aliases_are_refused():
    data, problems = yamlfile.load("a: &x [1, 2]\nb: *x\n")
    assert data is None
    assert "anchors and aliases" in problems[0].message


def test_syntax_errors_and_tabs_say_where():
    _, problems = yamlfile.load("a: [1\nb: 2\n")
    assert problems[0].message.startswith("invalid YAML")
    _, problems = yamlfile.load("a:\n\tb: 1\n")
    assert problems[0].line == 2 and "tab" in problems[0].message


def test_an_unclosed_quote_is_named_where_it_opens():
    text = 'title: "Contract soldiers\ndate: 2026-11-27\nsummary: "One line."\n'
    data, problems = yamlfile.load(text, offset=1)
    assert data is None
    assert [(p.line, p.message) for p in problems] == [
        (3, "invalid YAML: did not find expected key; the quoted value that starts on line 2 may be missing its closing quote")]


def test_a_quoted_value_over_two_lines_is_not_blamed_for_a_later_mistake():
    text = 'title: "One value\n  over two lines"\ndate: 2026-11-27\n  oops: [\n'
    _, problems = yamlfile.load(text, offset=1)
    assert problems and "closing quote" not in problems[0].message


def test_a_memo_packed_and_unpacked_answers_without_pyyaml_and_a_damaged_one_reads_again(monkeypatch):
    from explainers import yamlstrict

    text = 'sources:\n  a: {name: "A", url: "https://example.org/a"}\n'
    first = yamlfile.Memo()
    data, problems = first.get(text, 1)
    packed = first.packed()
    assert isinstance(packed, bytes) and text.encode() not in packed  # the text's digest is kept, not the text
    monkeypatch.setattr(yamlstrict, "load", lambda *args: pytest.fail("PyYAML asked again"))
    again = yamlfile.Memo.unpacked(packed)
    assert again.get(text, 1) == (data, problems) and again.packed() == packed
    assert yamlfile.Memo().packed() is None
    calls = []
    monkeypatch.setattr(yamlstrict, "load", lambda *args: calls.append(args) or (None, []))
    yamlfile.Memo.unpacked(b"not a pickle").get(text, 1)
    assert len(calls) == 1
