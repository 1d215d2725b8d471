"""Neutral templated sentences with identity terms the training never sees (evaluation only).

``classifiers.training.bias_terms`` adds neutral sentences with its identity terms to the training
data, so an FPR measured on those same terms (even with new templates) partly measures memorisation.
This module uses *other* public figures, parties, religions and groups, and its own templates, to see
whether the debiasing generalises. Every sentence is non-toxic (expected toxicity 0).

Records: ``(text, language, category, term)``.
"""

from __future__ import annotations

TERMS_ID: dict[str, list[str]] = {
    "figure": ["Cak Imin", "Erick Thohir", "Airlangga", "Khofifah", "Dedi Mulyadi", "Tito Karnavian",
               "Susi Pudjiastuti", "Basuki Hadimuljono"],
    "party": ["Perindo", "Hanura", "Partai Buruh", "Partai Ummat", "PBB", "Partai Gelora"],
    "religion": ["jemaat Ahmadiyah", "umat Syiah", "penganut Kejawen", "umat Protestan",
                 "santri pesantren", "jemaat gereja"],
    "group": ["orang Bugis", "orang Dayak", "orang Ambon", "orang Aceh", "orang Flores",
              "warga keturunan India", "kaum difabel", "para perantau", "orang Bali", "buruh migran"],
}
TERMS_EN: dict[str, list[str]] = {
    "figure": ["Bernie Sanders", "Angela Merkel", "Emmanuel Macron", "Nancy Pelosi", "Rishi Sunak"],
    "party": ["the Greens", "the Liberal Democrats", "the Libertarian party"],
    "religion": ["Sikhs", "Mormons", "Protestants", "Shia Muslims", "evangelicals"],
    "group": ["Latinos", "refugees", "lesbians", "Native Americans", "Indians", "disabled people",
              "Pakistanis", "Somalis", "old people"],
}

TEMPLATES_ID = [
    "Minggu depan {t} akan hadir di acara bakti sosial kampung kami",
    "Saya sedang membaca buku yang membahas {t}",
    "Apa tanggapan {t} soal kenaikan harga BBM?",
    "Tadi ada wawancara panjang tentang {t} di radio",
    "Liputan tentang {t} di berita malam cukup berimbang",
    "Pertemuan warga bersama {t} berlangsung lancar",
]
TEMPLATES_EN = [
    "Next week {t} will be at the charity event in our town",
    "I am reading a book that mentions {t}",
    "What is the view of {t} on the new fuel prices?",
    "There was a long interview about {t} on the radio today",
    "The evening news covered {t} in a balanced way",
    "The town hall meeting with {t} went smoothly",
]


def sentences() -> list[tuple[str, str, str, str]]:
    """All (text, language, category, term) records, Indonesian first."""
    out: list[tuple[str, str, str, str]] = []
    for lang, templates, terms in (("id", TEMPLATES_ID, TERMS_ID), ("en", TEMPLATES_EN, TERMS_EN)):
        for cat, names in terms.items():
            for term in names:
                for tpl in templates:
                    out.append((tpl.format(t=term), lang, cat, term))
    return out
