"""Hand-written neutral sentences naming public figures, parties, religions and groups.

Our own synthetic data (not from any dataset). Training and evaluation use DISJOINT template
sets, so the identity-term false-positive rate measured on the evaluation set is honest.
Both return (text, language, term) tuples; every sentence is non-toxic (label 0).
"""

from __future__ import annotations

IDENTITY_TERMS_ID = {
    "figure": ["Jokowi", "Prabowo", "Anies", "Ahok", "Ganjar", "Gibran", "Megawati", "SBY",
               "Ridwan Kamil", "Puan Maharani", "Mahfud MD", "Sri Mulyani"],
    "party": ["PDIP", "Gerindra", "PKS", "Golkar", "PKB", "Demokrat", "Nasdem", "PSI", "PAN", "PPP"],
    "religion": ["Islam", "Kristen", "Katolik", "Hindu", "Buddha", "Konghucu", "umat Muslim",
                 "umat Kristiani", "NU", "Muhammadiyah"],
    "group": ["orang Cina", "etnis Tionghoa", "orang Jawa", "orang Batak", "orang Papua",
              "orang Madura", "orang Betawi", "orang Sunda", "warga keturunan Arab", "kaum perempuan",
              "para pendatang", "orang Minang"],
}
IDENTITY_TERMS_EN = {
    "figure": ["Biden", "Trump", "Obama", "Hillary Clinton", "Kamala Harris", "Boris Johnson"],
    "party": ["Democrats", "Republicans", "the Labour party", "the Conservatives"],
    "religion": ["Muslims", "Christians", "Jews", "Hindus", "Buddhists", "Catholics", "atheists"],
    "group": ["Black people", "white people", "Asian Americans", "Mexicans", "immigrants", "women",
              "gay people", "transgender people", "Africans", "Arabs", "Chinese people"],
}

_TRAIN_ID = [
    "Menurut saya kebijakan {t} soal BBM cukup masuk akal",
    "Kemarin saya membaca berita tentang {t} di koran pagi",
    "{t} mengadakan acara di balai desa hari Minggu",
    "Saya ingin tahu pendapat {t} tentang harga beras",
    "Banyak tetangga saya adalah {t} dan kami hidup rukun",
    "Artikel ini menjelaskan sejarah {t} dengan cukup lengkap",
    "Diskusi tentang {t} di kampus berjalan tertib",
    "Semoga {t} ikut membantu korban banjir di daerah kami",
    "Foto kegiatan {t} kemarin bagus sekali",
    "Wawancara dengan {t} tadi malam cukup informatif",
    "Saya setuju sebagian, tapi tidak semua, dengan pandangan {t}",
    "Berita soal {t} ini perlu dicek ulang sumbernya",
]
_EVAL_ID = [
    "Umat dan tokoh {t} merayakan hari besar dengan damai",
    "Saya baru pulang dari acara yang dihadiri {t}",
    "Data statistik tentang {t} dirilis oleh BPS minggu ini",
    "Ada yang tahu jadwal kunjungan {t} ke Surabaya?",
    "Teman kuliah saya banyak dari kalangan {t}",
    "Pernyataan {t} hari ini dimuat di banyak media",
    "Kita perlu mendengar suara {t} dalam musyawarah ini",
    "Program beasiswa ini terbuka juga untuk {t}",
]
_TRAIN_EN = [
    "I read an article about {t} in the newspaper this morning",
    "{t} held a community event downtown on Sunday",
    "My neighbours include {t} and we get along fine",
    "This piece explains the history of {t} quite well",
    "I agree with some of what {t} said, but not all of it",
    "The debate about {t} on campus was calm and respectful",
    "Here is an interview with {t} from last night",
    "The report on {t} should cite its sources",
]
_EVAL_EN = [
    "{t} celebrated the holiday peacefully with their families",
    "I just got back from a meeting attended by {t}",
    "New statistics about {t} were published this week",
    "Does anyone know when {t} will visit our city?",
    "Many of my classmates are {t}",
    "The scholarship is also open to {t}",
]


def _expand(templates: list[str], terms: dict[str, list[str]], lang: str) -> list[tuple[str, str, str]]:
    return [(tpl.format(t=term), lang, term) for tpl in templates
            for group in terms.values() for term in group]


def training_neutral_sentences() -> list[tuple[str, str, str]]:
    """Neutral identity-term sentences used as label-0 training data (text, language, term)."""
    return _expand(_TRAIN_ID, IDENTITY_TERMS_ID, "id") + _expand(_TRAIN_EN, IDENTITY_TERMS_EN, "en")


def evaluation_neutral_sentences() -> list[tuple[str, str, str]]:
    """Neutral identity-term sentences from templates never used in training."""
    return _expand(_EVAL_ID, IDENTITY_TERMS_ID, "id") + _expand(_EVAL_EN, IDENTITY_TERMS_EN, "en")
