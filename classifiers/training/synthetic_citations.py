"""Our own hand-written legitimate news comments that cite sources with links (synthetic data).

The spam head learned "links = spam" from YouTube / SMS spam, so a reader citing BPS or Kompas
looked like a spammer. ``citation_training_sentences`` (ham: spam 0, gambling 0, source
'synthetic-citation-ham') go into training; ``citation_eval_sentences`` use DISJOINT templates
and partly different hosts (some not on the classifiers.urls citation list) and are never
trained on: the evaluation report measures the spam false-positive rate on them.
Both return (text, language, listed) tuples, ``listed`` = every link's host is a citation domain.
"""

from __future__ import annotations

from classifiers.urls import is_citation_url

_TRAIN_ID = [
    "Datanya bisa dicek sendiri di {u1}",
    "Coba baca laporan resminya di {u1}, angkanya beda dengan yang di artikel",
    "Menurut rilis {u1} dan {u2}, inflasi bulan lalu turun",
    "Data kemiskinan terbaru bisa dilihat di {u1}",
    "Beritanya juga dimuat di {u1}, silakan dibandingkan",
    "Saya kutip dari {u1}: anggaran tahun ini naik sedikit",
    "Untuk yang ragu, aturan lengkapnya ada di {u1} pasal 5",
    "Penelitian kampus soal ini ada di {u1}, cukup menarik",
    "Klarifikasi pemerintah sudah ada di {u1} dan {u2}",
    "Referensi: {u1}, {u2}",
    "Mohon redaksi cantumkan sumber, misalnya {u1}",
    "Hasil sensusnya dipublikasikan di {u1} sejak minggu lalu",
]
_TRAIN_EN = [
    "The source data is at {u1} if you want to check it yourself",
    "According to {u1} and {u2}, unemployment fell last quarter",
    "Full report here: {u1}",
    "This was also covered by {u1}, worth comparing",
    "The study the article mentions is at {u1}",
    "References: {u1}, {u2}",
    "Official figures are published on {u1} every month",
    "For context, see {u1} which explains the new rule",
]
_EVAL_ID = [
    "Sumber datanya ada di {u1}, {u2} dan {u3}",
    "Kalau mau lihat angka aslinya, buka {u1} lalu bandingkan dengan {u2}",
    "Artikel ini kurang lengkap, penjelasan yang lebih rinci ada di {u1}",
    "Tolong dicek dulu faktanya di {u1} sebelum berkomentar",
    "Dasar hukumnya tercantum di {u1}",
    "Grafik lengkapnya ada di {u1}, terima kasih redaksi",
]
_EVAL_EN = [
    "Here is the original dataset: {u1} and the methodology at {u2}",
    "Before arguing, read the official statement at {u1}",
    "The numbers in this story match {u1}, see also {u2}",
    "Good article. Background reading: {u1}",
]
_TRAIN_URLS = [
    "https://www.bps.go.id/id/statistics-table", "https://kemenkeu.go.id/informasi-publik/apbn",
    "https://www.kompas.com/tren/read/2024/05/01/data", "https://news.detik.com/berita/d-7000000",
    "https://www.bi.go.id/id/statistik/indikator", "https://jdih.kemenkeu.go.id/peraturan",
    "https://repository.ui.ac.id/penelitian/2023", "https://www.cnnindonesia.com/ekonomi/20240101",
    "https://www.bls.gov/news.release/empsit.nr0.htm", "https://www.reuters.com/world/asia-pacific/",
    "https://en.wikipedia.org/wiki/Census", "https://www.who.int/news-room/fact-sheets",
    "https://www.ons.gov.uk/economy/inflation", "https://nces.ed.gov/fastfacts/",
    "https://www.antaranews.com/berita/4000000", "https://tempo.co/ekonomi/angka-kemiskinan",
]
_EVAL_URLS = [
    "https://bps.go.id/id/pressrelease/2024/07/01", "https://data.go.id/dataset/penduduk",
    "https://kemendagri.go.id/berita/baca/12345", "https://www.bappenas.go.id/id/data-dan-informasi",
    "https://journal.ugm.ac.id/jurnal/article/view/5", "https://www.tribunnews.com/nasional/2024/03/02",
    "https://www.census.gov/library/stories.html", "https://www.bbc.com/news/world-asia",
    "https://ourworldindata.org/poverty", "https://www.statista.com/statistics/indonesia",
    "https://databoks.katadata.co.id/datapublish/2024", "https://lokadata.id/artikel/angka-pengangguran",
]


def _fill(templates: list[str], urls: list[str], lang: str, per_template: int,
          step: int) -> list[tuple[str, str, bool]]:
    out = []
    for i, tpl in enumerate(templates):
        for j in range(per_template):
            picked = [urls[(i * step + j * 3 + k * 5) % len(urls)] for k in range(3)]
            text = tpl.format(u1=picked[0], u2=picked[1], u3=picked[2])
            used = [u for k, u in enumerate(picked) if f"{{u{k + 1}}}" in tpl]
            out.append((text, lang, all(is_citation_url(u) for u in used)))
    return out


def citation_training_sentences() -> list[tuple[str, str, bool]]:
    """Training ham comments with citation links (about 160)."""
    out = _fill(_TRAIN_ID, _TRAIN_URLS, "id", 8, 7) + _fill(_TRAIN_EN, _TRAIN_URLS, "en", 8, 5)
    return sorted(set(out))


def citation_eval_sentences() -> list[tuple[str, str, bool]]:
    """Evaluation-only ham comments with citation links (disjoint templates; never trained on)."""
    out = _fill(_EVAL_ID, _EVAL_URLS, "id", 6, 5) + _fill(_EVAL_EN, _EVAL_URLS, "en", 6, 7)
    return sorted(set(out))
