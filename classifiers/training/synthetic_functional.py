"""Our own hand-written TRAINING templates for the functional behaviours (synthetic data).

The public sets barely contain hate against a group without slurs, threats, dehumanising
comparisons, or their harmless look-alikes (negation, counter-speech, quoting, swearing at the
weather, insults that name no group). These templates teach both stages those contrasts. They are
disjoint from the evaluation cases in ``classifiers.evaluation.functional_cases`` /
``functional_cases_group`` (different sentence frames, written separately; a test checks that no
evaluation case is generated here).
Returns ``(text, language, kind, toxicity, identity_hate)`` tuples, deterministic.
"""

from __future__ import annotations

import random

_GROUPS_ID = ["orang cina", "etnis tionghoa", "orang kristen", "umat katolik", "kaum syiah", "orang papua",
              "orang batak", "orang madura", "orang yahudi", "jemaat ahmadiyah", "kaum gay", "kaum lgbt",
              "orang arab", "umat hindu", "umat buddha", "para pendatang", "kaum perempuan", "orang jawa",
              "orang ambon", "orang dayak", "kaum waria", "orang bugis", "umat islam", "para imigran"]
_GROUPS_EN = ["muslims", "jews", "christians", "black people", "mexicans", "immigrants", "refugees",
              "gay people", "lesbians", "trans people", "women", "asians", "chinese people", "arabs",
              "africans", "hindus", "catholics", "latinos", "migrants", "feminists", "indians", "pakistanis"]
_ANIMALS_ID = ["tikus", "kecoa", "babi", "monyet", "lintah", "hama", "parasit", "belatung", "kuman", "cacing",
               "anjing kurap", "benalu"]
_ANIMALS_EN = ["rats", "cockroaches", "pigs", "apes", "leeches", "parasites", "maggots", "germs", "vermin",
               "locusts", "dogs", "insects"]
_INSULTS_ID = ["goblok", "tolol", "bego", "bodoh", "dungu", "idiot", "bangsat", "brengsek", "kampret",
               "bajingan", "sinting", "otak udang", "anjing", "setan", "keparat", "bebal"]
_INSULTS_EN = ["idiot", "moron", "clown", "loser", "dumbass", "imbecile", "jerk", "fool", "asshole",
               "scumbag", "halfwit", "bastard", "creep", "twit"]

# toxicity 1, identity_hate 1: hate against a group, mostly without slurs
_GROUP_HATE_ID = [
    "{g} tidak boleh tinggal di kampung kita", "usir semua {g} dari kota ini",
    "{g} tidak pantas hidup di negeri ini", "negara ini akan lebih baik tanpa {g}",
    "semua {g} itu penipu dan pengkhianat", "{g} memang dari sananya licik dan jahat",
    "tolak {g}, mereka perusak bangsa", "aku benci semua {g}, tanpa kecuali",
    "jangan pernah percaya sama {g}, mereka pasti menipu", "{g} harus dilarang bekerja di sini",
    "jangan beri {g} jabatan apa pun, bikin rusak", "pemerintah harus mengusir {g} secepatnya",
    "{g} itu beban negara, tidak berguna", "sekolah jangan terima anak dari {g}",
    "{g} cuma bisa bikin onar di mana-mana", "kita harus singkirkan {g} dari lingkungan ini",
]
_GROUP_HATE_EN = [
    "{g} should not be allowed to live here", "kick every one of the {g} out of this country",
    "this country would be better off without {g}", "all {g} are liars and traitors",
    "{g} are evil by nature", "never trust {g}, they always cheat",
    "{g} should be banned from working here", "keep {g} out of our neighbourhood",
    "{g} are a burden on the rest of us", "I despise {g}, every last one of them",
    "{g} ruin everything they touch", "{g} do not belong in this country",
    "no jobs for {g}, ever", "{g} are all the same, criminals",
]
# toxicity 1, identity_hate 1 (a group) / 0 (no group): dehumanising comparisons
_DEHUMAN_ID = ["{g} tidak lebih dari {a}", "{g} sama saja dengan {a} kotor", "dasar {g}, dasar {a}",
               "{g} berkembang biak seperti {a}", "bersihkan negeri ini dari {a} seperti {g}",
               "{g} itu {a} yang menumpang hidup"]
_DEHUMAN_EN = ["{g} are no better than {a}", "{g} are just filthy {a}", "{g} multiply like {a}",
               "clean the streets of {a} like {g}", "{g} are {a} living off our taxes",
               "{g} are {a} in human clothing"]
# toxicity 1, identity_hate 0: threats aimed at a person (group threats are added with {g})
_THREAT_ID = ["kalau berani datang lagi, {v} kau", "tunggu di depan rumahmu, {v} kau nanti",
              "besok kau tinggal nama, {v} kau", "sekali lagi ngomong begitu, {v} kau",
              "hati-hati di jalan, {v} kau kalau ketemu", "{v} kau sampai tidak bisa bangun lagi",
              "awas saja nanti malam, {v} kau", "aku sudah tahu alamatmu, {v} kau",
              "jangan kaget kalau besok {v} kau", "lihat saja, {v} kau dan keluargamu"]
_THREAT_VERBS_ID = ["kubunuh", "kutusuk", "kubacok", "kutembak", "kuhajar", "kugorok", "kupukul", "kuhabisi",
                    "kupatahkan lehermu dan", "kubakar rumahmu dan"]
_THREAT_EN = ["I will {v} you if you come here again", "wait outside your house and I'll {v} you",
              "one more word and I'll {v} you", "I know your address, I'm going to {v} you",
              "you'll be dead soon, I'll {v} you myself", "meet me after work and I'll {v} you",
              "sleep with one eye open, I'm coming to {v} you", "I swear I will {v} you and your kids",
              "next time I see you I'm going to {v} you", "say that again and I will {v} you"]
_THREAT_VERBS_EN = ["kill", "stab", "shoot", "strangle", "beat up", "murder", "hurt", "destroy"]
_GROUP_THREAT_ID = ["{g} harus dibunuh semua", "bakar rumah ibadah {g}", "serang {g} malam ini juga",
                    "habisi {g} sampai tidak tersisa"]
_GROUP_THREAT_EN = ["all {g} should be killed", "burn down the homes of {g}", "go out and attack {g} tonight",
                    "{g} deserve to be shot"]
# toxicity 1, identity_hate 0: insults that name no group
_INSULT_ID = ["dasar kau {i} {j}", "{i} lu, {j} banget", "otakmu {i}, dasar {j}", "komentator {i} kayak kamu {j}",
              "hei {i}, jangan sok pintar", "admin {i}, beritanya {j}", "penulisnya {i} dan {j}"]
_INSULT_EN = ["you {i}, you total {j}", "shut up, {i}", "what a {i}, seriously a {j}",
              "the writer is a {i} and a {j}", "listen here {i}", "only a {i} would write this, {j}"]
# toxicity 0, identity_hate 0: negation, counter-speech, quoting, untargeted profanity
_NEGATION_ID = ["aku tidak punya masalah dengan {g}", "tidak benar bahwa {g} itu jahat",
                "jangan pukul rata, {g} tidak semuanya buruk", "{g} bukan musuh kita",
                "saya tidak pernah merendahkan {g}", "saya tidak setuju {g} diusir"]
_NEGATION_EN = ["I have nothing against {g}", "it is false that {g} are evil", "{g} are not our enemies",
                "I would never say {g} should leave", "not all {g} are the same, stop generalising",
                "{g} contribute as much as anyone"]
_COUNTER_ID = ["hentikan ujaran kebencian pada {g}", "menghina {g} itu tidak bisa dibenarkan",
               "laporkan saja akun yang menghina {g}", "kita harus membela {g} dari perundungan",
               "bersikap rasis terhadap {g} itu memalukan", "yang menyuruh mengusir {g} itu salah besar"]
_COUNTER_EN = ["stop spreading hate about {g}", "insulting {g} is never acceptable",
               "report the accounts attacking {g}", "we should defend {g} from harassment",
               "being racist towards {g} is shameful", "whoever says {g} should leave is wrong"]
_QUOTE_ID = ["pelaku ditangkap karena menulis '{q}' di grup", "media melaporkan ucapan '{q}' dari seorang warga",
             "hakim menyebut kalimat '{q}' sebagai bukti ujaran kebencian", "warganet mengecam unggahan '{q}'"]
_QUOTE_EN = ["he was charged after writing '{q}' online", "the report quotes a man saying '{q}'",
             "the judge called the message '{q}' hate speech", "people condemned the post '{q}'"]
_PROFANITY_ID = ["anjir", "anjay", "anjrit", "buset", "sialan", "kampret", "asem", "gila", "tai", "bangke", "anjing"]
_SITUATIONS_ID = ["listrik padam lagi sore ini", "antre di bank lama sekali", "tendangan bebasnya cantik banget",
                  "tarif parkir naik lagi", "laptopku hang pas presentasi", "banjir lagi di depan gang",
                  "kereta telat setengah jam", "enak banget bakso di sini", "tugasku belum selesai juga",
                  "hujan es di kota kami"]
_PROFANITY_EN = ["shit", "damn", "fuck", "hell", "crap", "bloody hell", "holy crap", "fucking hell"]
_SITUATIONS_EN = ["the power went out again", "the queue at the bank is huge", "what a stunning save",
                  "the rent went up again", "my laptop froze during the meeting", "the street flooded again",
                  "the bus is half an hour late", "this soup is amazing", "I still haven't finished my homework",
                  "it is hailing here"]


def _fill(templates: list[str], rng: random.Random, n: int, **slots: list[str]) -> list[str]:
    out: set[str] = set()
    for _ in range(n * 4):
        if len(out) >= n:
            break
        tpl = rng.choice(templates)
        out.add(tpl.format(**{k: rng.choice(v) for k, v in slots.items() if "{" + k + "}" in tpl}))
    return sorted(out)


def functional_training_sentences(n: int = 120, seed: int = 0) -> list[tuple[str, str, str, int, int]]:
    """Up to ``n`` sentences per (kind, language): (text, language, kind, toxicity, identity_hate)."""
    rng = random.Random(seed)
    spec = [
        ("group_hate", 1, 1, _GROUP_HATE_ID, _GROUP_HATE_EN, {}),
        ("dehumanising_group", 1, 1, _DEHUMAN_ID, _DEHUMAN_EN, {"a": (_ANIMALS_ID, _ANIMALS_EN)}),
        ("threat_group", 1, 1, _GROUP_THREAT_ID, _GROUP_THREAT_EN, {}),
        ("threat", 1, 0, _THREAT_ID, _THREAT_EN, {"v": (_THREAT_VERBS_ID, _THREAT_VERBS_EN)}),
        ("insult_no_group", 1, 0, _INSULT_ID, _INSULT_EN, {"i": (_INSULTS_ID, _INSULTS_EN),
                                                           "j": (_INSULTS_ID, _INSULTS_EN)}),
        ("negation", 0, 0, _NEGATION_ID, _NEGATION_EN, {}),
        ("counter_speech", 0, 0, _COUNTER_ID, _COUNTER_EN, {}),
        ("profanity_untargeted", 0, 0, ["{p}, {s}", "{s}, {p}", "{p} lah, {s}"],
         ["{p}, {s}", "{s}, {p}", "oh {p}, {s}"], {"p": (_PROFANITY_ID, _PROFANITY_EN),
                                                   "s": (_SITUATIONS_ID, _SITUATIONS_EN)}),
    ]
    out: list[tuple[str, str, str, int, int]] = []
    for kind, tox, ih, tpl_id, tpl_en, extra in spec:
        for lang, tpls, groups in (("id", tpl_id, _GROUPS_ID), ("en", tpl_en, _GROUPS_EN)):
            slots = {"g": groups, **{k: v[0] if lang == "id" else v[1] for k, v in extra.items()}}
            out += [(t, lang, kind, tox, ih) for t in _fill(tpls, rng, n, **slots)]
    # quoting: a hateful sentence of the templates above, reported, is not itself abuse
    for lang, tpls in (("id", _QUOTE_ID), ("en", _QUOTE_EN)):
        quoted = [t for t, lg, k, _, _ in out if lg == lang and k in ("group_hate", "threat", "insult_no_group")]
        out += [(t, lang, "quoting", 0, 0) for t in _fill(tpls, rng, n // 2, q=quoted)]
    return out
