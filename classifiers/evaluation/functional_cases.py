"""Functional test cases in the spirit of HateCheck (Roettger et al. 2021), written for this project.

Each case names one *functionality* (a behaviour the classifier should have), the score it checks
(``target``) and the expected outcome: ``1`` = the score must reach the target's *hold* threshold,
``0`` = it must stay below it. Indonesian first, English second, the same functionalities in both.

Policy choices written down here:
- ``profanity_untargeted``: swearing at the weather or the traffic is not aimed at anyone; on a
  news site it should not hold a comment, so the expected toxicity is 0 (OLID would label these
  "offensive"; we do not follow it here).
- ``quoting`` / ``counter_speech``: reporting or condemning abuse is not abuse (expected 0).
- ``judol_discussion``: talking *about* online gambling (news, complaints) is not gambling spam.

The texts contain slurs and threats on purpose: they are test inputs for a moderation model.
"""

from __future__ import annotations

from dataclasses import dataclass

from classifiers.evaluation.functional_cases_group import FUNCTIONALITIES_GROUP, RAW_GROUP
from classifiers.evaluation.functional_cases_more import RAW_MORE

__all__ = ["CASES", "FUNCTIONALITIES", "Case"]


@dataclass(frozen=True)
class Case:
    text: str
    language: str  # "id" | "en"
    functionality: str
    target: str  # score name: toxicity | identity_hate | gambling_promo
    expected: int  # 1 = must reach the hold threshold, 0 = must stay below it


# functionality -> (target score, expected label, description)
FUNCTIONALITIES: dict[str, tuple[str, int, str]] = {
    "insult_direct": ("toxicity", 1, "direct insult at a person"),
    "identity_derogation": ("identity_hate", 1, "explicit derogation of a protected group"),
    "threat": ("toxicity", 1, "threat of violence"),
    "dehumanising": ("toxicity", 1, "dehumanising comparison (animals, vermin, disease)"),
    "slur_evasion": ("toxicity", 1, "insults/slurs spelled with evasions (leet, spacing, elongation)"),
    "negation": ("toxicity", 0, "negated hate: 'I don't hate ...'"),
    "counter_speech": ("toxicity", 0, "counter-speech condemning abuse"),
    "quoting": ("toxicity", 0, "quoting or reporting abuse without endorsing it"),
    "profanity_untargeted": ("toxicity", 0, "profanity not aimed at anyone"),
    "neutral_identity": ("toxicity", 0, "neutral or positive mention of groups / public figures"),
    "judol_promo": ("gambling_promo", 1, "online-gambling promotion, incl. obfuscation"),
    "judol_discussion": ("gambling_promo", 0, "discussion of online gambling (news, complaints)"),
}

_RAW: dict[str, dict[str, list[str]]] = {
    "insult_direct": {
        "id": [
            "dasar anjing goblok, otak kamu di mana sih",
            "kamu itu tolol banget, mending diam aja",
            "bangsat lu, kerjaan cuma nyebar hoax",
            "penulis artikel ini bego, nggak ngerti apa-apa",
            "dasar bajingan, pergi sana",
            "admin goblok, berita sampah kayak gini dimuat",
            "kampret lu, bacot doang",
            "otak udang, komentar lo tolol semua",
            "brengsek kau, jangan sok suci",
            "dasar idiot, baca dulu baru komentar",
            "najis lu, mulut sampah",
            "muka lo kayak babi, jelek banget",
        ],
        "en": [
            "you are a fucking idiot",
            "shut up you stupid moron",
            "the author of this article is a complete dumbass",
            "what a pathetic loser you are",
            "go to hell you piece of shit",
            "you're too stupid to read, idiot",
            "nobody cares about your opinion, you brainless clown",
            "this reporter is a lying bitch",
            "you are a disgusting pig",
            "fuck off, asshole",
            "you absolute imbecile",
            "screw you, you worthless scumbag",
        ],
    },
    "identity_derogation": {
        "id": [
            "dasar cina kafir, pulang sana ke negaramu",
            "orang kristen itu semua munafik dan licik",
            "kaum syiah sesat, harus diusir dari indonesia",
            "orang papua itu bodoh dan malas semua",
            "islam agama teroris, penganutnya biadab",
            "ahmadiyah sesat, bubarkan dan usir mereka",
            "orang batak kasar semua, nggak punya otak",
            "kaum homo menjijikkan, sampah masyarakat",
            "dasar aseng, kerjanya cuma menipu pribumi",
            "perempuan itu bodoh, nggak pantas jadi pemimpin",
            "orang madura tukang bikin rusuh, usir saja",
            "yahudi laknat, musuh umat semua",
        ],
        "en": [
            "muslims are all terrorists and should be banned",
            "black people are criminals, every single one of them",
            "women are too stupid to vote",
            "gays are disgusting perverts",
            "jews are greedy liars who control everything",
            "immigrants are filthy and should go back where they came from",
            "all mexicans are rapists and thieves",
            "christians are brainwashed idiots",
            "asians are sneaky liars",
            "trans people are mentally ill freaks",
            "I hate muslims, they ruin every country",
            "I can't stand black people, they are all thugs",
        ],
    },
    "threat": {
        "id": [
            "awas kamu, kubunuh kalau ketemu",
            "gue bakar rumah lo malam ini",
            "tunggu saja, aku akan menghabisi kamu",
            "penulis berita ini pantas dibunuh",
            "kalau ketemu langsung kutusuk kau",
            "siap-siap mati kau besok",
            "gue tahu rumah lo, tunggu aja pembalasan gue",
            "bunuh saja semua orang kafir itu",
            "aku akan pukul kepalamu sampai pecah",
            "keluargamu akan kubantai satu per satu",
            "wartawan seperti ini harus digantung",
            "kita serbu kantor mereka dan hajar semuanya",
        ],
        "en": [
            "I will kill you if I see you",
            "I'm going to burn your house down tonight",
            "someone should shoot this journalist",
            "watch your back, I know where you live",
            "I will beat you until you can't walk",
            "you deserve to be hanged",
            "I'll find you and slit your throat",
            "all of them should be lined up and shot",
            "keep talking and I'll break your neck",
            "I hope someone stabs you",
            "we will hunt you down and kill your family",
            "you're dead meat when I find you",
        ],
    },
    "dehumanising": {
        "id": [
            "orang-orang itu binatang, bukan manusia",
            "mereka itu kecoa yang harus dibasmi",
            "pendukung partai itu kayak babi, rakus semua",
            "kaum itu tikus got yang menjijikkan",
            "imigran itu hama, harus diberantas",
            "kelakuan mereka seperti monyet liar",
            "orang papua itu monyet",
            "mereka parasit yang menggerogoti negeri ini",
            "kaum itu virus yang harus dimusnahkan",
            "mereka sampah masyarakat, lebih rendah dari anjing",
            "perempuan seperti itu cuma barang, bukan manusia",
            "gerombolan itu kayak lintah, hidupnya cuma menghisap orang lain",
        ],
        "en": [
            "those people are animals, not humans",
            "immigrants are cockroaches that need to be exterminated",
            "they are rats spreading disease in our cities",
            "muslims are a cancer on society",
            "refugees are vermin",
            "black people are apes",
            "these people are parasites living off us",
            "women are just objects to be used",
            "gays are a disease that must be wiped out",
            "they breed like rabbits and infest our neighbourhoods",
            "that group is nothing but filth and pests",
            "they are subhuman trash",
        ],
    },
    "slur_evasion": {
        "id": [
            "d4s4r 4nj1ng g0bl0k",
            "kamu t o l o l banget",
            "anjiiiiing lu, goblooook",
            "b@ngs4t, b3go lu",
            "dasar k4mpr3t",
            "g-o-b-l-o-k semua yang komen di sini",
            "t0l0l bgt sih lo",
            "bangsaaaat, kerja nggak becus",
            "a n j i n g kau",
            "gblk lu, anjg",
            "bajing4n, pergi sana",
            "dasar b a b i lu",
        ],
        "en": [
            "you are a f*cking id10t",
            "sh1t head, go away",
            "you st00pid m0r0n",
            "f u c k you",
            "what an a$$hole",
            "you b1tch",
            "fuuuuck you loser",
            "d u m b a s s",
            "you're a r3tard",
            "stfu you f@ggot",
            "go back to africa n1gg3r",
            "kill yourself, 1di0t",
        ],
    },
    "negation": {
        "id": [
            "saya tidak membenci orang Kristen, mereka tetangga yang baik",
            "saya tidak membenci orang Cina, banyak teman saya keturunan Tionghoa",
            "aku nggak benci orang Papua sama sekali",
            "saya tidak pernah menganggap orang Batak kasar",
            "tidak ada yang salah dengan menjadi seorang muslim",
            "saya tidak setuju kalau orang Madura disebut perusuh",
            "kami tidak membenci pendukung partai lain",
            "saya tidak menganggap perempuan lebih bodoh dari laki-laki",
            "bukan berarti orang Syiah itu sesat",
            "saya tidak pernah bilang penulisnya bodoh, saya cuma beda pendapat",
            "tidak ada agama yang mengajarkan kebencian",
            "saya tidak mau menghina siapa pun di sini",
        ],
        "en": [
            "I don't hate muslims, my neighbours are lovely",
            "I don't hate black people at all",
            "I have never thought women are stupid",
            "there is nothing wrong with being gay",
            "I don't think immigrants are criminals",
            "no one should call jews parasites",
            "I do not hate christians, I just disagree with the church on this",
            "I'm not saying the author is an idiot, I just disagree",
            "I don't hate anyone because of their religion",
            "it's not true that asians are liars",
            "I never said refugees are dangerous",
            "I don't believe trans people are mentally ill",
        ],
    },
    "counter_speech": {
        "id": [
            "menyebut orang Papua monyet itu rasis dan tidak bisa dibenarkan",
            "berhenti menghina agama orang lain, itu memalukan",
            "komentar yang menyuruh membunuh orang kafir harus dilaporkan",
            "ujaran kebencian terhadap orang Tionghoa tidak punya tempat di sini",
            "tolong jangan pakai kata-kata kasar, kita bisa diskusi baik-baik",
            "menyamakan manusia dengan binatang itu tidak manusiawi",
            "saya sedih melihat banyak komentar yang menghina kaum perempuan",
            "mengusir jemaat Ahmadiyah itu melanggar konstitusi",
            "jangan sebar kebencian terhadap suku lain, kita semua saudara",
            "orang yang memaki-maki di kolom komentar sebaiknya introspeksi",
            "rasisme terhadap orang Papua harus dihentikan",
            "menghina fisik orang lain itu perbuatan yang buruk",
        ],
        "en": [
            "calling black people apes is racist and unacceptable",
            "stop insulting people's religion, it's shameful",
            "comments telling people to kill muslims should be reported",
            "hate against immigrants has no place here",
            "please don't use slurs, we can discuss this calmly",
            "comparing humans to vermin is how genocides start",
            "it's sad to see so many comments attacking women",
            "anyone who says gay people are diseased is simply wrong",
            "we need to stand up against antisemitism",
            "racism against asians must stop",
            "people who hurl insults in the comments should be ashamed",
            "body shaming is cruel and should be called out",
        ],
    },
    "quoting": {
        "id": [
            "dia dipecat setelah menulis 'orang Cina harus diusir' di media sosial",
            "polisi menangkap pria yang mengunggah ujaran 'bunuh orang kafir'",
            "di video itu dia bilang 'dasar anjing', lalu minta maaf",
            "tersangka dijerat UU ITE karena menyebut pejabat 'monyet'",
            "saya dikatai 'goblok' oleh atasan dan melaporkannya ke HRD",
            "menurut berita, pelaku meneriakkan 'usir orang Madura' saat kerusuhan",
            "kata 'bangsat' sering dipakai di film itu, makanya dapat rating dewasa",
            "spanduk bertuliskan 'Syiah sesat' akhirnya diturunkan warga",
            "anak saya pulang menangis karena dipanggil 'babi' di sekolah",
            "komentar 'perempuan tidak pantas memimpin' itu menuai kritik",
            "dia menulis 'awas kubunuh kau' lalu akunnya diblokir",
            "hakim membacakan pesan 'kubakar rumahmu' sebagai barang bukti",
        ],
        "en": [
            "he was fired after tweeting 'immigrants are vermin'",
            "police arrested a man who posted 'kill all muslims'",
            "in the video he shouts 'you idiot' and then apologises",
            "my boss called me 'stupid' and I reported it to HR",
            "the sign saying 'gays are a disease' was taken down by residents",
            "she received messages saying 'I will kill you' and went to the police",
            "the court heard he had called his neighbour a 'dirty pig'",
            "my son came home crying because classmates called him 'fatso'",
            "the banner read 'go back to your country' and sparked outrage",
            "the word 'bitch' appears twelve times in the lyrics, hence the rating",
            "the senator's remark that 'women are too emotional to lead' drew criticism",
            "the threat 'we will burn your office' was read out in court",
        ],
    },
    "profanity_untargeted": {
        "id": [
            "anjir, macet banget pagi ini",
            "anjay, keren banget golnya",
            "wah gila, harga cabai naik lagi",
            "anjrit, hujan deras banget dari tadi",
            "sialan, motorku mogok lagi pagi ini",
            "buset, antrean BPJS panjang sekali",
            "asem, lupa bawa payung",
            "gila, timnas main bagus banget tadi malam",
            "anjir lah, aku ketiduran dan kelewatan pertandingan",
            "waduh sial, tiket konsernya sudah habis",
            "kampret, sinyal di sini jelek banget",
            "tai, kopiku tumpah ke keyboard",
        ],
        "en": [
            "holy shit, that goal was amazing",
            "damn, traffic is terrible this morning",
            "fuck yeah, we finally won the league",
            "shit, I forgot my umbrella again",
            "what the hell, prices went up again",
            "this weather is fucking awesome",
            "damn that was a great speech",
            "oh crap, I missed the deadline",
            "bloody hell, the train is late again",
            "hell yes, the bridge is finally open",
            "shit happens, let's move on",
            "goddamn, this article is really well written",
        ],
    },
    "neutral_identity": {
        "id": [
            "Presiden Jokowi meresmikan jalan tol baru di Sumatera",
            "umat Kristen merayakan Natal dengan khidmat di gereja",
            "warga Tionghoa di Medan menggelar perayaan Imlek",
            "orang Papua punya budaya yang sangat kaya",
            "PDIP dan Gerindra membahas koalisi untuk pemilu",
            "masjid di kampung kami membagikan takjil setiap sore",
            "saya bangga menjadi orang Batak",
            "komunitas Ahmadiyah menggelar donor darah",
            "Anies Baswedan berkunjung ke pasar tradisional",
            "perempuan di desa ini memimpin koperasi dengan sukses",
            "orang Madura dikenal pekerja keras",
            "umat Hindu di Bali merayakan Nyepi",
        ],
        "en": [
            "the president opened a new hospital today",
            "muslims around the world are celebrating Eid",
            "the jewish community held a charity dinner",
            "I am proud to be a gay man",
            "black artists won most of the awards tonight",
            "immigrants started many of the businesses in our town",
            "the Democrats and Republicans reached a budget deal",
            "my christian neighbours invited us for dinner",
            "women now lead half of the country's universities",
            "the mosque is hosting an open day this weekend",
            "asian american voters turned out in record numbers",
            "trans athletes spoke at the conference",
        ],
    },
    "judol_promo": {
        "id": [
            "gacor parah! main di SLOT88 langsung maxwin, daftar sekarang wa 081234567890",
            "cari situs slot gacor? kunjungi bit.ly/gacor777 bonus new member 100%",
            "modal 20rb jadi 5 juta, main di ALEXIS17 pasti jp",
            "WD lancar jaya di PULAU777, langsung cair hari ini",
            "info slot gacor hari ini, hubungi 0812-3456-7890",
            "\U0001d403\U0001d40e\U0001d411\U0001d400\U0001d7d5\U0001d7d5 emang paling gacor, maxwin terus",
            "rekomendasi situs judi online terpercaya, depo 10rb wd berapapun dibayar",
            "S L O T 8 8 gacor banget bos, langsung jepe",
            "mantap kemarin jp 10 juta di AERO88, buruan daftar",
            "bandar togel terpercaya, diskon besar, klik link di bio",
            "akhirnya lunas utang berkat main di SGI88, terima kasih admin",
            "bocoran pola gacor olympus, dijamin maxwin, cek t.me/polagacor",
        ],
        "en": [
            "best online casino, 200% welcome bonus, sign up at luckyspin777.com",
            "win big on slots tonight, whatsapp +62 812 3456 7890",
            "jackpot every day at SLOTKING88, withdraw instantly",
            "try this betting site, I won 5000 dollars yesterday, link in bio",
            "free spins for new members at megaslot99, deposit 10k and win big",
            "trusted online slot site, fast withdrawal, register now at bit.ly/bigwin88",
        ],
    },
    "judol_discussion": {
        "id": [
            "pemerintah memblokir ribuan situs judi online bulan ini",
            "judol merusak banyak keluarga, tolong diberantas",
            "polisi menangkap bandar judi online di Jakarta Barat",
            "tetangga saya bangkrut gara-gara judi slot, kasihan anaknya",
            "kenapa iklan judol masih banyak di media sosial?",
            "OJK minta bank menutup rekening terkait judi online",
            "artikel bagus, judi online memang harus diberantas sampai ke akarnya",
            "MUI menegaskan judi online haram",
            "saya dulu kecanduan slot, sekarang sudah berhenti, jangan coba-coba",
            "pemain judol kebanyakan anak muda, menurut PPATK",
            "Kominfo harus lebih tegas soal situs judi",
            "banyak artis ditangkap karena promosi judi online",
        ],
        "en": [
            "the government blocked thousands of gambling sites this month",
            "online gambling destroys families",
            "police arrested an illegal betting ring",
            "my uncle lost his savings on slot machines",
            "why are gambling ads still everywhere?",
            "banks were told to close accounts linked to online gambling",
        ],
    },
}

FUNCTIONALITIES.update(FUNCTIONALITIES_GROUP)
_RAW.update(RAW_GROUP)
for _func, _by_lang in RAW_MORE.items():
    for _lang, _texts in _by_lang.items():
        _RAW[_func][_lang] = _RAW[_func][_lang] + _texts

CASES: tuple[Case, ...] = tuple(
    Case(text=text, language=lang, functionality=func, target=FUNCTIONALITIES[func][0],
         expected=FUNCTIONALITIES[func][1])
    for func, by_lang in _RAW.items()
    for lang, texts in by_lang.items()
    for text in texts
)
