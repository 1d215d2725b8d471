"""Our own hand-written online-gambling ("judol") promotion sentences (synthetic data).

The public judol set is mostly brand-name testimonials ("main di X88 langsung jp"); explicit
promotions with "slot gacor", WhatsApp numbers and links are under-represented, so we add a
small, clearly labelled synthetic set (spam = 1, gambling = 1, source 'synthetic-gambling-promo').
"""

from __future__ import annotations

import random

_TEMPLATES = [
    "Cari {game} yang {hype}? Gabung sekarang juga {contact}",
    "Yuk main di {brand}, {game} paling {hype}, bonus new member 100% {contact}",
    "Info {game} {hype} malam ini cuma di {brand} {contact}",
    "Modal receh bisa maxwin di {brand}! Deposit pulsa tanpa potongan {contact}",
    "{brand} situs {game} terpercaya, WD berapapun pasti dibayar {contact}",
    "Bosan kalah? Coba {game} di {brand}, RTP tinggi {hype} {contact}",
    "Admin {brand} siap bantu daftar 24 jam, {game} {hype} {contact}",
    "Rekomendasi {game} {hype} anti rungkad, langsung cek {contact}",
    "Best {game} site {brand}, easy jackpot and fast withdraw {contact}",
    "Join {brand} now for daily {game} bonus and free spins {contact}",
]
_GAMES = ["slot gacor", "slot", "togel", "judi online", "casino online", "sbobet", "slot zeus", "mahjong ways"]
_HYPE = ["gacor", "maxwin", "pasti jp", "gampang menang", "lagi gacor parah", "scatter hitam"]
_BRANDS = ["GACOR88", "MAXWIN77", "ZEUS138", "HOKI99", "JPBOS4D", "DEWA303", "SLOT5000", "CUAN77"]
_CONTACTS = ["WA 081234567890", "wa.me/6281298765432", "https://bit.ly/gacor-88", "link di bio",
             "hubungi +62 812-3456-7890", "klik www.situsgacor.vip", "DM admin", "s.id/maxwin88"]


def gambling_promo_sentences() -> list[tuple[str, str]]:
    """(text, language) pairs: a deterministic subset of template x slot combinations."""
    out = []
    for i, tpl in enumerate(_TEMPLATES):
        for j in range(24):
            text = tpl.format(game=_GAMES[(i + j) % len(_GAMES)], hype=_HYPE[(i * 3 + j) % len(_HYPE)],
                              brand=_BRANDS[(i + 2 * j) % len(_BRANDS)],
                              contact=_CONTACTS[(i * 5 + j) % len(_CONTACTS)])
            out.append((text, "en" if tpl.startswith(("Best", "Join")) else "id"))
    return sorted(set(out))


# Self-promotion and money scams, the other spam of comment sections (spam 1, gambling 0).
_PROMO_TEMPLATES = [
    ("id", "Mampir ke {what} aku ya kak, {ask} {contact}"),
    ("id", "Mau dapat {money}? Caranya gampang, {contact}"),
    ("id", "{ask}, dijamin nggak nyesel, {contact}"),
    ("id", "Bisnis online modal kecil, {money}, info lengkap {contact}"),
    ("id", "Jual {goods} murah meriah, order sekarang {contact}"),
    ("id", "Yang butuh pinjaman cepat tanpa jaminan, {contact}"),
    ("en", "Hey everyone, check my {what_en} and {ask_en} {contact}"),
    ("en", "Want to {money_en}? It's easy, {contact}"),
    ("en", "Please {ask_en}, you won't regret it {contact}"),
    ("en", "Work from home and {money_en}, details {contact}"),
    ("en", "Cheap {goods_en} for sale, order today {contact}"),
    ("en", "Need a fast loan with no credit check? {contact}"),
]
_PROMO_SLOTS = {
    "what": ["channel youtube", "toko online", "akun instagram", "video terbaru", "blog"],
    "ask": ["jangan lupa subscribe", "follow balik ya", "like dan share", "klik link-nya", "mampir dong"],
    "money": ["penghasilan 5 juta per hari", "uang tambahan dari rumah", "cuan tiap hari", "gaji dolar"],
    "goods": ["obat pelangsing", "followers instagram", "pulsa", "skincare original", "akun premium"],
    "what_en": ["youtube channel", "new video", "online shop", "instagram", "music page"],
    "ask_en": ["subscribe", "follow me back", "like and share", "visit my page", "give it a listen"],
    "money_en": ["earn $500 a day", "make money online fast", "double your income", "get paid weekly"],
    "goods_en": ["weight loss pills", "followers", "designer bags", "gift cards", "phone unlocking"],
    "contact": ["WA 0813-2222-4444", "https://bit.ly/cuan-harian", "link di bio", "DM aku",
                "http://www.mystore-promo.net", "youtube.com/c/mychannel123", "t.me/promoharian",
                "call +1 555 0100 222", ""],
}


def self_promo_sentences(n_per_template: int = 16) -> list[tuple[str, str]]:
    """(text, language) pairs of self-promotion / scam spam: deterministic template x slot sample."""
    rng = random.Random(0)
    out = set()
    for lang, tpl in _PROMO_TEMPLATES:
        for _ in range(n_per_template):
            slots = {k: rng.choice(v) for k, v in _PROMO_SLOTS.items()}
            out.add((" ".join(tpl.format(**slots).split()), lang))
    return sorted(out)
