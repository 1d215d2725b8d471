"""More functional EVALUATION cases (written for this project): group hate without slurs, insults
that name no group, reclaimed terms.

- ``group_hate_implicit``: hate against a group in plain words (no slur); identity_hate must
  reach its hold threshold.
- ``insult_no_group``: a plain insult aimed at a person, naming no group; identity_hate must stay
  below hold (it is toxic, but not hate against a group).
- ``reclaimed``: a group's own members using a term about themselves, or naming their own group
  with pride; toxicity must stay below hold.

Never used in training: the training templates live in ``classifiers.training.synthetic_functional``
and a test checks that none of these texts is generated there.
"""

from __future__ import annotations

FUNCTIONALITIES_GROUP: dict[str, tuple[str, int, str]] = {
    "group_hate_implicit": ("identity_hate", 1, "hate against a group without slurs"),
    "insult_no_group": ("identity_hate", 0, "insult naming no group (identity_hate must not fire)"),
    "reclaimed": ("toxicity", 0, "reclaimed terms / in-group self-reference"),
}

RAW_GROUP: dict[str, dict[str, list[str]]] = {
    "group_hate_implicit": {
        "id": [
            "orang papua itu harus diusir dari negeri ini",
            "jangan sewakan rumah ke orang cina, nanti semua dikuasai mereka",
            "umat kristen tidak boleh dibiarkan membangun gereja di sini",
            "kaum syiah itu ancaman bagi negara, keluarkan saja",
            "perempuan tempatnya di dapur, tidak usah ikut pemilu",
            "orang madura di kampung ini sebaiknya pergi semua",
            "kaum gay tidak layak mendapat pekerjaan",
            "pendatang dari luar pulau cuma merebut rezeki kita, tutup pintunya",
            "orang yahudi di mana-mana selalu merugikan",
            "anak-anak ahmadiyah jangan boleh sekolah bareng anak kita",
            "etnis tionghoa tidak pantas jadi warga negara",
            "orang batak jangan dikasih jabatan, merusak semua",
        ],
        "en": [
            "muslims should be sent back where they came from",
            "don't rent to mexicans, they will ruin the place",
            "women shouldn't be allowed to vote",
            "jews must never hold public office",
            "gay people should be kept away from children",
            "immigrants are destroying this country and must leave",
            "black people don't deserve the same rights",
            "refugees bring nothing but crime, close the borders to them",
            "trans people have no place in our society",
            "asians should go back to their own countries",
            "christians are a threat to this nation",
            "arabs can never be trusted with anything",
        ],
    },
    "insult_no_group": {
        "id": [
            "dasar kau anjing goblok tolol",
            "pak menteri memang bego, kerjanya nol",
            "wasit pertandingan tadi bangsat",
            "kamu sampah, nggak ada gunanya",
            "penulis ini otaknya di dengkul",
            "bacot lu kayak tong kosong, dasar tolol",
            "si ketua RT memang brengsek",
            "pelatihnya dungu, taktiknya kacau",
            "lu idiot ya, baca aja nggak bisa",
            "kurang ajar kau, tidak tahu diri",
            "dasar kampret, kerja nggak becus",
            "bajingan itu menipu uang warga",
        ],
        "en": [
            "you are a stupid fucking idiot",
            "the referee is a blind moron",
            "the mayor is a useless clown",
            "this columnist is a brainless hack",
            "shut your mouth, you pathetic loser",
            "my landlord is a greedy bastard",
            "what an absolute dumbass you are",
            "the coach is an incompetent fool",
            "you are trash and everyone knows it",
            "go away, you annoying jerk",
            "the CEO is a lying scumbag",
            "you're a complete waste of space",
        ],
    },
    "reclaimed": {
        "id": [
            "sebagai orang batak, saya bangga dengan suara keras kami",
            "kami kaum waria juga ingin bekerja dengan tenang",
            "aku cina dan aku cinta indonesia",
            "saya perempuan dan saya akan mencalonkan diri jadi kepala desa",
            "sebagai orang papua saya senang melihat anak-anak kami juara olimpiade sains",
            "kami umat ahmadiyah tetap mendoakan kebaikan untuk negeri ini",
        ],
        "en": [
            "as a queer woman, this article made me feel seen",
            "we dykes on bikes lead the parade every year",
            "proud to be a black woman in science",
            "as a fat person, I love that the shop finally has my size",
            "I'm a gay man and my husband and I adopted twins",
            "we immigrants built this neighbourhood's bakery scene",
        ],
    },
}
