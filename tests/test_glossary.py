"""Every text of the site uses the glossary's forms (locale/GLOSSARY.md).

The glossary is a Markdown table: `term | kk | ru | en | kk not | ru not | en not`. A "not" cell
lists the forms that must not appear in that language's texts, separated by " · " ("—": none).
A form matches at the start of a word, so a stem also finds its inflected forms. Text inside
brackets is left out: a former name may follow the glossary's form, «Тамғалы (Таңбалы)».

The texts: every translated field of the demo content (fixtures/*.json; a field without a
language suffix is the Kazakh one when it has a `_kk` twin) and every translation (msgstr) of the
kk and ru catalogues.
"""

import json
import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "locale" / "GLOSSARY.md"
LANGS = ("kk", "ru", "en")
BRACKETS = re.compile(r"\([^()]*\)")


def glossary():
    """The rows of the table: [{"term", "kk", "ru", "en", "not": {lang: [forms]}}]."""
    rows = []
    header = None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        row = dict(zip(header, cells, strict=True))
        rows.append(
            {
                "term": row["term"],
                **{lang: row[lang] for lang in LANGS},
                "not": {
                    lang: [f.strip() for f in row[f"{lang} not"].split("·") if f.strip("— ")]
                    for lang in LANGS
                },
            }
        )
    return rows


def fixture_texts():
    """(where, lang, text) for every translated string of fixtures/*.json."""
    for path in sorted((ROOT / "fixtures").glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            fields = record["fields"]
            for name, value in fields.items():
                if not isinstance(value, str) or not value:
                    continue
                lang = name.rsplit("_", 1)[-1]
                if lang not in LANGS:
                    if f"{name}_kk" not in fields:
                        continue
                    lang = "kk"
                yield f"{path.name} {record['model']} {record.get('pk')} {name}", lang, value


def catalogue_texts():
    """(where, lang, text) for every translation in the kk and ru .po files."""
    for lang in ("kk", "ru"):
        for path in sorted(ROOT.glob(f"**/locale/{lang}/LC_MESSAGES/django.po")):
            if ".venv" in path.parts:
                continue
            for entry in polib.pofile(str(path)):
                if entry.obsolete:
                    continue
                texts = [entry.msgstr, *entry.msgstr_plural.values()]
                for text in texts:
                    if text:
                        yield f"{path.relative_to(ROOT)} {entry.msgid[:40]!r}", lang, text


def pattern(form):
    return re.compile(r"(?<![\w-])" + re.escape(form))


def violations():
    rules = [
        (row["term"], lang, form, pattern(form))
        for row in glossary()
        for lang in LANGS
        for form in row["not"][lang]
    ]
    found = []
    for where, lang, text in [*fixture_texts(), *catalogue_texts()]:
        plain = BRACKETS.sub("", text)
        for term, rule_lang, form, regex in rules:
            if rule_lang == lang and regex.search(plain):
                found.append(f"{where} [{lang}]: «{form}» (glossary: {term})")
    return found


def test_glossary_is_read():
    rows = glossary()
    assert len(rows) >= 30
    terms = [row["term"] for row in rows]
    assert len(terms) == len(set(terms)), "one row per term"
    for row in rows:
        for lang in LANGS:
            assert row[lang], f"{row['term']}: no {lang} form"
            for form in row["not"][lang]:
                assert form != row[lang], f"{row['term']}: {form} is both allowed and not"
    # the seventeen regions and the six UNESCO sites are listed
    assert sum(term.endswith("Region") or "Region (" in term for term in terms) == 17
    assert sum(term.startswith("UNESCO:") for term in terms) == 6


@pytest.mark.parametrize(
    ("text", "lang", "bad"),
    [
        ("ЮНЕСКО-ның Бүкіләлемдік мұра тізімі", "kk", True),
        ("ЮНЕСКО-ның Дүниежүзілік мұра тізімі", "kk", False),
        ("Петропавловск на Ишиме", "ru", True),
        ("в бассейне реки Есиль (Ишим)", "ru", False),
        ("The Bayterek tower", "en", True),
    ],
)
def test_the_rules_find_forbidden_forms(text, lang, bad):
    plain = BRACKETS.sub("", text)
    hits = [form for row in glossary() for form in row["not"][lang] if pattern(form).search(plain)]
    assert bool(hits) is bad, hits


def test_every_text_uses_the_glossary_forms():
    found = violations()
    assert not found, "\n".join(found[:50])
