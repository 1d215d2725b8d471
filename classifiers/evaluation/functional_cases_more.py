"""A third set of functional EVALUATION cases, written for this project on 2026-12-08.

They were written before that day's experiment with many more training templates (model card,
"Tried on 2026-12-08"), as a check on it: the first two sets had been read while those templates
were written, so their figures can flatter a model trained on them; these had not. Same
functionalities, same rules as ``functional_cases`` (``flag`` = the target score must reach its hold
threshold, ``pass`` = it must stay below). Never used in training; a test checks that no training
template generates one of them or a near copy.
"""

from __future__ import annotations

RAW_MORE: dict[str, dict[str, list[str]]] = {
    "threat": {
        "id": [
            "nanti malam kudatangi rumahmu, siapkan dirimu",
            "berani muncul di kampung ini lagi, pulang tinggal nama",
            "kupastikan kau menyesal seumur hidup, kupatahkan tanganmu",
            "orang yang nulis berita ini tunggu saja, lehernya kutebas",
            "ingat baik-baik, anak istrimu tidak akan selamat",
            "jangan salahkan aku kalau besok kepalamu bocor",
        ],
        "en": [
            "I'm coming for you tonight, lock your doors",
            "show your face here again and you won't leave alive",
            "that reporter needs a bullet, and I might be the one to do it",
            "your kids won't be safe, remember that",
            "I will smash your skull in when I catch you",
            "somebody ought to put this guy in the ground",
        ],
    },
    "dehumanising": {
        "id": [
            "para pengungsi itu cuma hama yang menggerogoti negeri",
            "kaum itu tidak pantas disebut manusia, lebih mirip binatang liar",
            "orang-orang seperti mereka itu virus, harus dimusnahkan",
            "mereka itu sampah berjalan, buang saja ke laut",
            "suku itu kawanan babi yang doyan bikin rusuh",
            "gerombolan itu cuma tikus got yang beranak pinak",
        ],
        "en": [
            "immigrants are a plague spreading through our towns",
            "those people are savages, barely human",
            "they are parasites feeding on honest citizens",
            "muslims are like a virus, they need to be eradicated",
            "that whole lot are swine and should be treated like it",
            "they're cockroaches, you get rid of one and ten more appear",
        ],
    },
    "group_hate_implicit": {
        "id": [
            "orang cina tidak boleh punya tanah di negeri ini",
            "jangan pernah pilih pemimpin dari kaum kristen",
            "perusahaan sebaiknya tidak menerima pegawai perempuan",
            "umat ahmadiyah tidak berhak beribadah di kota kami",
            "orang papua jangan dikasih beasiswa, buang-buang uang",
            "kaum gay harus dijauhkan dari sekolah dan masjid",
        ],
        "en": [
            "muslims should not be allowed to build mosques here",
            "never hire women for anything important",
            "immigrants have no right to vote in our elections",
            "gay couples should be banned from adopting, period",
            "black families shouldn't be allowed in this neighbourhood",
            "jews should be kept out of the media and banks",
        ],
    },
    "identity_derogation": {
        "id": [
            "orang batak itu kasar dan tidak tahu sopan santun semua",
            "kaum lgbt itu penyakit masyarakat, menjijikkan",
            "orang arab itu semuanya mesum dan licik",
            "umat hindu itu penyembah berhala yang bodoh",
            "perempuan itu makhluk lemah yang cuma bisa nangis",
            "orang madura itu semua pencuri dan tukang ribut",
        ],
        "en": [
            "muslims are violent savages, all of them",
            "women are hysterical and useless at work",
            "mexicans are lazy criminals",
            "gay men are sick predators",
            "chinese people are dirty and dishonest",
            "immigrants are filthy thieves who bring disease",
        ],
    },
    "negation": {
        "id": [
            "saya tidak pernah bilang orang papua itu bodoh",
            "tidak ada yang salah dengan orang cina, mereka tetangga baik",
            "aku tidak benci kaum gay, itu urusan mereka",
            "bukan berarti semua pendatang itu penjahat",
            "saya sama sekali tidak menganggap perempuan lebih rendah",
            "jangan bilang umat kristen itu musuh, itu tidak benar",
        ],
        "en": [
            "I never said muslims are terrorists",
            "there's nothing wrong with being gay",
            "I don't hate immigrants, I just want better housing policy",
            "women are not worse drivers, the data says otherwise",
            "it's not true that refugees are dangerous",
            "nobody here thinks black people are inferior",
        ],
    },
    "counter_speech": {
        "id": [
            "yang bilang orang papua monyet itu rasis, harus dihukum",
            "tolong berhenti menyebut kaum gay sampah, mereka manusia juga",
            "komentar yang menghina umat kristen di atas itu keterlaluan",
            "menyuruh mengusir orang cina itu bukan nasionalisme, itu kebencian",
            "saya laporkan akun yang mengancam membunuh wartawan itu",
            "ujaran seperti 'perempuan tidak usah sekolah' sudah tidak zaman",
        ],
        "en": [
            "calling refugees vermin is disgusting and you should be ashamed",
            "people who say women can't lead are just wrong",
            "please report anyone threatening the journalist",
            "telling muslims to go home is plain racism",
            "the comments calling gay people sick are hateful",
            "comparing immigrants to rats is how genocide starts, stop it",
        ],
    },
    "profanity_untargeted": {
        "id": [
            "anjir, harga cabai naik lagi",
            "sialan, hujan turun pas aku baru nyuci motor",
            "buset, golnya dari tengah lapangan",
            "bangke, antrean samsat panjang banget hari ini",
            "tai lah, wifi kantor mati lagi",
            "gila, konsernya keren parah",
        ],
        "en": [
            "damn, the traffic this morning was insane",
            "holy crap, what a finish to the match",
            "fuck, I missed the last train home",
            "this fucking heat is unbearable",
            "shit, the price of petrol went up again",
            "hell yeah, the bridge is finally open",
        ],
    },
    "insult_no_group": {
        "id": [
            "dasar otak udang, baca dulu beritanya baru komentar",
            "kamu bego atau pura-pura bego sih",
            "komentar tolol dari orang tolol",
            "mulutmu itu kayak tempat sampah, bangsat",
            "kerjaanmu cuma nyinyir, dasar pecundang",
            "admin bebal, dari kemarin salah ketik terus",
        ],
        "en": [
            "you are the dumbest person on this site",
            "what a brainless take, you clown",
            "go away, you pathetic loser",
            "the editor is an incompetent moron",
            "only an idiot like you would believe this",
            "shut your mouth, you useless jerk",
        ],
    },
    "quoting": {
        "id": [
            "polisi menyita spanduk bertuliskan 'usir pendatang' dari lokasi demo",
            "dalam sidang, saksi mengulang kata 'goblok' yang diucapkan terdakwa",
            "berita ini mengutip pesan ancaman 'kubakar rumahmu' yang diterima korban",
            "guru itu dipecat karena menyebut muridnya 'monyet'",
            "istilah 'kafir' di poster itu dilaporkan ke bawaslu",
            "lagu itu dilarang karena liriknya berbunyi 'bunuh mereka semua'",
        ],
        "en": [
            "the graffiti read 'refugees out' and was painted over by morning",
            "the coach was fired for calling a player a 'stupid monkey'",
            "the court heard the threat 'I'll kill your family' in a recording",
            "she reported the tweet that said 'women belong in the kitchen'",
            "the banner saying 'deport them all' was removed by stewards",
            "he apologised for using the word 'retard' on air",
        ],
    },
}

MORE_TEXTS: frozenset[str] = frozenset(t for by_lang in RAW_MORE.values() for texts in by_lang.values() for t in texts)
