"""Our own hand-written TRAINING templates for the functional behaviours (synthetic data).

The public sets barely contain hate against a group without slurs, threats, dehumanising
comparisons, or their harmless look-alikes (negation, counter-speech, quoting, swearing at the
weather, insults that name no group). These templates teach both stages those contrasts. They are
disjoint from the evaluation cases in ``classifiers.evaluation.functional_cases`` and its companion
modules (different sentence frames, written separately; a test checks that no evaluation case is
generated here, nor a near copy). Slot words are in ``synthetic_functional_words``.
Returns ``(text, language, kind, toxicity, identity_hate)`` tuples, deterministic.
"""

from __future__ import annotations

import random

from classifiers.training import synthetic_functional_words as w

Frames = tuple[list[str], list[str]]

# toxicity 1, identity_hate 1: hate against a group without slurs (exclusion, denied rights)
GROUP_HATE: Frames = (
    ["{g} tidak boleh tinggal di kampung kita", "usir semua {g} dari {place}", "{g} tidak pantas hidup di negeri ini",
     "negara ini akan lebih baik tanpa {g}", "tolak {g}, mereka perusak bangsa", "aku benci semua {g}, tanpa kecuali",
     "jangan pernah percaya sama {g}, mereka pasti menipu", "{g} harus dilarang bekerja di sini",
     "pemerintah harus mengusir {g} secepatnya", "sekolah jangan terima anak dari {g}",
     "kita harus singkirkan {g} dari {place}", "{g} tidak boleh {act}", "jangan biarkan {g} {act}",
     "{g} tidak berhak {act}", "{g} tidak layak dapat {right}", "jauhkan {g} dari {place}",
     "kami tidak sudi ada {g} di {place}", "{g} sebaiknya angkat kaki dari {place}", "larang {g} {act}",
     "{g} cuma merusak {place}", "{g} makin menguasai {place}, bahaya", "jangan kasih {g} {right}",
     "tolak {g} yang mau {act}", "{g} tidak pantas {act}"],
    ["{g} should not be allowed to settle in {place}", "kick every one of the {g} out of {place}",
     "this country would be better off without {g}", "never trust {g}, they always cheat",
     "{g} should be banned from working here", "{g} are a burden on the rest of us",
     "I despise {g}, every last one of them", "{g} ruin everything they touch", "{g} do not belong in {place}",
     "no jobs for {g}, ever", "{g} should not be allowed to {act}", "don't let {g} {act}",
     "ban {g} from {place}", "{g} have no right to {act}", "{g} don't deserve {right}", "keep {g} out of {place}",
     "we don't want {g} in {place}", "{g} are ruining {place}", "{g} are taking over {place}",
     "get {g} out of {place}", "no more {right} for {g}", "{g} should pack up and leave {place}",
     "never let {g} {act}", "{g} shouldn't even be allowed to {act}"],
)
DEROGATION: Frames = (
    ["semua {g} itu penipu dan pengkhianat", "{g} memang dari sananya licik dan jahat", "{g} itu {adj} semua",
     "{g} semuanya {adj}, {adj2} pula", "{g} itu memang {adj} dari dulu", "{g} memang {noun}", "{g} itu {noun}, tidak bisa dipercaya",
     "kebanyakan {g} itu {noun}", "{g} di mana-mana {adj}", "pantas saja, {g} memang {adj}",
     "{g} cuma bisa bikin onar di mana-mana", "{g} itu beban negara, tidak berguna"],
    ["all {g} are liars and traitors", "{g} are evil by nature", "{g} are all the same, criminals",
     "{g} are {adj}, and {adj2} too", "{g} are all {noun}", "{g} are a bunch of {adj} {noun}",
     "typical {g}, {adj} as always", "every single one of the {g} is {adj}", "{g} are nothing but {noun}",
     "you can't trust {g}, they're {noun}", "{g} are {adj} by nature", "{g}? {adj} {noun}, the lot of them"],
)
DEHUMANISING: Frames = (
    ["{g} tidak lebih dari {a}", "{g} sama saja dengan {a} kotor",
     "{g} berkembang biak seperti {a}", "bersihkan {place} dari {a} seperti {g}", "{g} itu {a} yang menumpang hidup",
     "{g} itu {a}", "{g} cuma {a}, sudah sepantasnya {x}", "{g} sama dengan {a}, bukan manusia", "{g} itu {d} bagi negeri ini",
     "{d} bernama {g} ini wajib {x}", "perlakukan {g} seperti {a}", "derajat {g} di bawah {a}"],
    ["{g} are no better than {a}", "{g} are just filthy {a}", "{g} multiply like {a}",
     "clean the streets of {a} like {g}", "{g} are {a} living off our taxes", "{g} are {a} in human clothing",
     "{g} are {a}", "{g} are {a} and should be {x}", "{g} are {d} on this country", "{g} aren't people, they're {a}",
     "treat {g} like the {a} they are", "{g} spread like {d} and have to be {x}", "{g} infest {place} like {a}"],
)
# toxicity 1, identity_hate 0: threats aimed at a person (group threats are added with {g})
THREAT: Frames = (
    ["kalau berani datang lagi, {v} {t}", "tunggu di depan rumahmu, {v} kau nanti", "besok kau tinggal nama, {v} kau",
     "sekali lagi ngomong begitu, {v} kau", "{v} kau sampai tidak bisa bangun lagi", "aku sudah tahu alamatmu, {v} kau",
     "lihat saja, {v} kau dan keluargamu", "{when} {v} {t}", "aku akan {vw} {when}", "tunggu saja, aku akan {vw}",
     "{t} pantas {vp}", "{t} harus {vp}", "semoga {t} {vp} {when}", "jangan kaget kalau {when} kau {vp}",
     "siap-siap {vp} {when}", "berani lewat sini, {v} {t}", "awas kau, nyawamu tidak lama lagi",
     "{t} akan {vp}, camkan itu", "sekali lagi menulis begini, {t} {vp}"],
    ["I will {vw} if you come here again", "one more word and I'll {vw}", "I swear I will {vw} {when}",
     "I'm going to {vw} {when}", "{when} I'll {vw}", "{t} should be {vp}", "{t} ought to be {vp}",
     "I hope {t} will be {vp} {when}", "you're going to get {vp} {when}", "keep it up and I'll {vw}",
     "I know your address and I will {vw}", "you won't be safe {when}, I'll {vw}", "{t} will be {vp}, mark my words",
     "count your days, I'm going to {vw}", "sleep with one eye open, I'm going to {vw}",
     "say that again and I will {vw}", "{t} is going to be {vp} {when}"],
)
THREAT_GROUP: Frames = (
    ["{g} harus dibunuh semua", "bakar rumah ibadah {g}", "serang {g} malam ini juga", "habisi {g} sampai tidak tersisa",
     "{g} pantas {vp}", "{g} harus {vp} semua"],
    ["all {g} should be killed", "burn down the homes of {g}", "go out and attack {g} tonight",
     "{g} deserve to be shot", "every one of the {g} should be {vp}", "round up the {g} and have them {vp}"],
)
INSULT: Frames = (
    ["dasar {i}, kau memang {j}", "{i} lu, {j} banget", "otakmu {i}, dasar {j}", "komentator {i} kayak kamu {j}",
     "hei {i}, jangan sok pintar", "admin {i}, beritanya {j}", "penulisnya {i} dan {j}", "kamu itu {i}, ngaca dulu",
     "mulutmu {i}, dasar {j}", "diam kau, {i}"],
    ["you {i}, you total {j}", "shut up, {i}", "what a {i}, seriously a {j}", "the writer is a {i} and a {j}",
     "listen here {i}", "only a {i} would write this, {j}", "you're a complete {i}", "nobody asked you, {i}",
     "get lost, you {i}", "the editor is a total {i}"],
)
# toxicity 0, identity_hate 0: negation, counter-speech, quoting, untargeted profanity
NEGATION: Frames = (
    ["aku tidak punya masalah dengan {g}", "tidak benar bahwa {g} itu jahat", "{g} bukan musuh kita",
     "saya tidak pernah merendahkan {g}", "saya tidak setuju {g} diusir", "salah kalau menganggap {g} itu {adj}",
     "{g} sama sekali bukan {noun}", "saya tidak setuju {g} dilarang {act}", "{g} berhak {act} seperti yang lain",
     "temanku banyak dari {g}, mereka tidak {adj}", "aku tidak membenci {g} sama sekali",
     "saya tidak menganggap {g} itu {noun}", "kami tidak pernah memusuhi {g}", "tidak ada yang bilang {g} itu {adj}",
     "saya tidak percaya {g} itu {noun}"],
    ["I have nothing against {g}", "it is false that {g} are evil", "{g} are not our enemies",
     "I would never say {g} should leave", "not all {g} are the same, stop generalising",
     "{g} contribute as much as anyone", "it's wrong to say {g} are {adj}", "{g} are no more {adj} than anyone else",
     "claiming {g} are {noun} is false", "{g} have every right to {act}", "my friends include {g} and none are {noun}",
     "I've never believed that {g} are {adj}", "honestly I don't see {g} as {noun}", "I do not hate {g}, and I never will",
     "no, {g} are not {noun}", "I don't agree that {g} are {adj}", "we don't hate {g} here"],
)
COUNTER: Frames = (
    ["hentikan ujaran kebencian pada {g}", "menghina {g} itu tidak bisa dibenarkan", "laporkan saja akun yang menghina {g}",
     "kita harus membela {g} dari perundungan", "bersikap rasis terhadap {g} itu memalukan",
     "yang menyuruh mengusir {g} itu salah besar", "siapa pun yang menyebut {g} {a}, itu {c}", "berhenti bilang {g} itu {adj}",
     "yang menyebut {g} {noun} harus minta maaf", "mengancam akan membunuh orang di internet {c}"],
    ["stop spreading hate about {g}", "insulting {g} is never acceptable", "report the accounts attacking {g}",
     "we should defend {g} from harassment", "being racist towards {g} is shameful",
     "whoever says {g} should leave is wrong", "calling {g} {a} {c}", "stop saying {g} are {adj}",
     "anyone who calls {g} {noun} should apologise", "threatening to kill people online {c}",
     "saying {g} should be {x} {c}"],
)
PROFANITY: Frames = (
    ["{p}, {s}", "{s}, {p}", "{p} lah, {s}", "{p}! {s}"],
    ["{p}, {s}", "{s}, {p}", "oh {p}, {s}", "{s}, so fucking {ev}", "{p}! {s}", "{s}, it's fucking {ev}"],
)
# toxicity 0, identity_hate 0: the same groups in plain, friendly or newsy sentences
NEUTRAL_GROUP: Frames = (
    ["{g} di kota kami membuka dapur umum untuk korban banjir", "ada festival budaya {g} akhir pekan ini",
     "saya punya banyak sahabat dari {g}", "{g} ikut gotong royong membersihkan pantai",
     "anak-anak dari {g} juara lomba sains tahun ini", "pemerintah mengundang tokoh {g} untuk berdialog",
     "sejarah {g} di nusantara menarik untuk dipelajari", "warung milik {g} di ujung jalan itu ramah",
     "liputan tentang {g} ini cukup berimbang", "{g} punya hak yang sama sebagai warga negara",
     "tetangga saya dari {g} sering berbagi makanan", "{g} menggelar doa bersama untuk perdamaian",
     "{g} minta pemerintah pusat memperhatikan daerah mereka", "pameran kuliner {g} digelar di pusat kota"],
    ["{g} in our town organised a food drive", "there's a festival celebrating {g} this weekend",
     "some of my closest friends are {g}", "{g} volunteered to clean up the beach",
     "students who are {g} won the science fair", "the council invited {g} to a public meeting",
     "the history of {g} in this country is fascinating", "the bakery run by {g} on our street is lovely",
     "this coverage of {g} is fair and balanced", "{g} deserve the same respect as everyone",
     "my neighbours, who are {g}, brought us dinner", "{g} held a vigil for peace last night"],
)
QUOTE: Frames = (
    ["pelaku ditangkap karena menulis '{q}' di grup", "media melaporkan ucapan '{q}' dari seorang warga",
     "hakim menyebut kalimat '{q}' sebagai bukti ujaran kebencian", "warganet mengecam unggahan '{q}'"],
    ["he was charged after writing '{q}' online", "the report quotes a man saying '{q}'",
     "the judge called the message '{q}' hate speech", "people condemned the post '{q}'"],
)
_EV = (["keren"], ["brilliant", "annoying", "ridiculous", "beautiful", "tiring", "unbelievable"])
_LOOK_ALIKES = {"insult_no_group", "negation", "counter_speech", "profanity_untargeted", "neutral_group"}
_GROUPISH = (w.GROUPS[0] + w.THEY[0], w.GROUPS[1] + w.THEY[1])


def _fill(templates: list[str], rng: random.Random, n: int, **slots: list[str]) -> list[str]:
    out: set[str] = set()
    for _ in range(n * 4):
        if len(out) >= n:
            break
        tpl = rng.choice(templates)
        adj = rng.sample(slots["adj"], 2) if "adj" in slots else []
        picks = {k: rng.choice(v) for k, v in slots.items() if "{" + k + "}" in tpl}
        if adj:
            picks.update(adj=adj[0], adj2=adj[1])
        out.add(tpl.format(**picks))
    return sorted(out)


def _slots(lang: int) -> dict[str, list[str]]:
    return {"g": w.GROUPS[lang], "a": w.VERMIN[lang], "d": w.DISEASE[lang], "x": w.EXTERMINATE[lang],
            "adj": w.DEROG_ADJ[lang], "noun": w.DEROG_NOUN[lang], "act": w.DENIED_ACT[lang], "right": w.RIGHTS[lang],
            "place": w.PLACES[lang], "v": w.VIOLENCE_1P[lang], "vw": w.VIOLENCE_WILL[lang],
            "vp": w.VIOLENCE_PASSIVE[lang], "t": w.TARGETS[lang], "when": w.WHEN[lang], "i": w.INSULTS[lang],
            "j": w.INSULTS[lang], "c": w.CONDEMN[lang], "p": w.SWEAR[lang], "s": w.GOOD[lang] + w.BAD[lang],
            "ev": _EV[lang]}


def functional_training_sentences(n: int = 120, seed: int = 0) -> list[tuple[str, str, str, int, int]]:
    """Up to ``n`` sentences per (kind, language): (text, language, kind, toxicity, identity_hate)."""
    rng = random.Random(seed)
    # the look-alikes get twice the sentences: each has to outweigh the same words in hateful frames
    spec: list[tuple[str, int, int, Frames, dict[str, tuple[list[str], list[str]]]]] = [
        ("group_hate", 1, 1, GROUP_HATE, {}),
        ("derogation", 1, 1, DEROGATION, {}),
        ("dehumanising_group", 1, 1, DEHUMANISING, {"g": _GROUPISH}),
        ("threat_group", 1, 1, THREAT_GROUP, {}),
        ("threat", 1, 0, THREAT, {}),
        ("insult_no_group", 1, 0, INSULT, {}),
        ("negation", 0, 0, NEGATION, {}),
        ("counter_speech", 0, 0, COUNTER, {}),
        ("profanity_untargeted", 0, 0, PROFANITY, {}),
        ("neutral_group", 0, 0, NEUTRAL_GROUP, {}),
    ]
    out: list[tuple[str, str, str, int, int]] = []
    for kind, tox, ih, frames, override in spec:
        count = 2 * n if kind in _LOOK_ALIKES else n
        for li, lang in enumerate(("id", "en")):
            slots = {**_slots(li), **{k: v[li] for k, v in override.items()}}
            out += [(t, lang, kind, tox, ih) for t in _fill(frames[li], rng, count, **slots)]
    # quoting: a hateful sentence of the templates above, reported, is not itself abuse
    for li, lang in enumerate(("id", "en")):
        quoted = [t for t, lg, k, _, _ in out if lg == lang and k in ("group_hate", "threat", "insult_no_group")]
        out += [(t, lang, "quoting", 0, 0) for t in _fill(QUOTE[li], rng, n // 2, q=quoted)]
    return out
