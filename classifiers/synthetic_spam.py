"""Our own hand-written online-gambling ("judol") promotion sentences (synthetic data).

The public judol set is mostly brand-name testimonials ("main di X88 langsung jp"); explicit
promotions with "slot gacor", WhatsApp numbers and links are under-represented, so we add a
small, clearly labelled synthetic set (spam = 1, gambling = 1, source 'synthetic-gambling-promo').
"""

from __future__ import annotations

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
