"""Interface strings and dates in a language (explainers/i18n.py): the Russian catalog, its plurals, Babel's dates."""
from __future__ import annotations

import datetime as dt

from babel.messages import pofile

from conftest import REPO
from explainers import i18n

CATALOG = REPO / "locales" / "ru" / "LC_MESSAGES" / "messages.po"


def test_russian_plurals_have_three_forms():
    with i18n.speaking("ru", REPO):
        said = [i18n.ngettext("%(num)d claim", "%(num)d claims", n) % {"num": n} for n in (1, 2, 5, 11, 21, 22, 25)]
    assert said == ["1 утверждение", "2 утверждения", "5 утверждений", "11 утверждений", "21 утверждение", "22 утверждения",
                    "25 утверждений"]


def test_dates_in_russian_and_as_ever_in_english():
    """Babel's long format, CLDR's: a narrow no-break space keeps "г." with its year."""
    day = dt.date(2026, 11, 27)
    assert i18n.date_in(day, "ru") == "27 ноября 2026\u202fг."
    assert i18n.date_in(day, "en") == i18n.date_in(day, "") == "27 November 2026"
    with i18n.speaking("ru", REPO):
        assert i18n.format_date(day) == "27 ноября 2026\u202fг."
    assert i18n.format_date(day) == "27 November 2026"


def test_a_one_language_site_speaks_as_written():
    assert i18n.current() == ""
    assert i18n._("Sources: ") == "Sources: "
    assert i18n.ngettext("%(num)d claim", "%(num)d claims", 2) == "%(num)d claims"


def test_no_catalog_translates_nothing(tmp_path):
    with i18n.speaking("ru", tmp_path):
        assert i18n._("Sources: ") == "Sources: "


def test_the_russian_catalog_is_complete_and_well_formed():
    """Every string of the template has its translation; placeholders survive translation."""
    with open(CATALOG, "rb") as f:
        catalog = pofile.read_po(f, locale="ru")
    with open(REPO / "locales" / "messages.pot", "rb") as f:
        template = pofile.read_po(f)
    assert {m.id for m in template if m.id} == {m.id for m in catalog if m.id}, "run `make translations`"
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        for placeholder in ("{number}", "{status}", "{title}", "{date}", "{page}", "{name}", "%(title)s", "%(number)s", "%(log)s",
                            "%(ledger)s", "%(link)s", "%(page)s", "%(num)d", "%(status)s", "%(text)s"):
            if placeholder in ids[0]:
                assert all(placeholder in s for s in strings), f"{message.id!r} loses {placeholder}"


def test_russian_typography_in_the_catalog():
    """Quotes are «ёлочки», and a dash has a non-breaking space before it."""
    text = CATALOG.read_text(encoding="utf-8")
    strings = [line for line in text.splitlines() if line.startswith("msgstr")]
    assert not any("“" in s or "”" in s for s in strings)
    assert all("\u00a0—" in s for s in strings if "—" in s)


def test_script_words_only_for_a_translated_language():
    assert i18n.script_words(REPO, "") == ""
    assert i18n.script_words(REPO, "en") == ""
    words = i18n.script_words(REPO, "ru")
    assert '"Preview":"Предпросмотр"' in words


def test_folded_words_build_the_same_site(tmp_path, monkeypatch):
    """i18n.Folded and LayoutEnvironment (a layout's _() compiled in as its text) change no byte, in either language."""
    import jinja2

    from conftest import make_site, snapshot
    from explainers.builder import build

    site = make_site(tmp_path, "bilingual")
    assert build(str(site), out=tmp_path / "folded", use_cache=False).written
    monkeypatch.setattr(i18n.Folded, "preprocess", lambda self, source, name, filename=None: source)
    monkeypatch.setattr(i18n.LayoutEnvironment, "_parse", jinja2.Environment._parse)
    assert build(str(site), out=tmp_path / "called", use_cache=False).written
    assert snapshot(tmp_path / "folded") == snapshot(tmp_path / "called")


def test_folding_leaves_calls_it_cannot_fold():
    """A call with values, one joined with `~` (Jinja2 would join constants as plain text), one whose translation needs escaping."""
    import jinja2

    env = jinja2.Environment(extensions=["jinja2.ext.i18n", i18n.Folded], autoescape=True)
    env.i18n_lookup = {"Plain": "Простой", "Amp": "A & B"}.get
    source = '{{ _("Plain") }} {{ _("Amp") }} {{ _("x %(n)s", n=1) }} {{ "<b>"|safe ~ _("Plain") }}'
    assert env.preprocess(source) == '{{ "Простой" }} {{ _("Amp") }} {{ _("x %(n)s", n=1) }} {{ "<b>"|safe ~ _("Plain") }}'


def test_a_call_with_values_is_compiled_as_its_text():
    env = i18n.LayoutEnvironment(extensions=["jinja2.ext.i18n", i18n.Folded], autoescape=True)
    env.i18n_lookup = {"Claim %(n)s of %(t)s": "Утверждение %(n)s из %(t)s", "100%% %(n)s": "100%% %(n)s"}.get
    env.globals["_"], _ = i18n.template_callables(i18n.stdlib_gettext.NullTranslations())
    template = env.from_string('{{ _("Claim %(n)s of %(t)s", n=x, t="<b>") }}|{{ _("100%% %(n)s", n=1) }}')
    assert template.render(x=2) == "Утверждение 2 из &lt;b&gt;|100% 1"
    assert "Call(" not in repr(env.parse('{{ _("Claim %(n)s of %(t)s", n=x, t=y) }}')), "no call is left"
    assert "Call(" in repr(env.parse('{{ _("100%% %(n)s", n=1) }}')), "a translation with another % stays a call"
