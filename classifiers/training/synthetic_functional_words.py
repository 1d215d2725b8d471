"""Slot words for the functional TRAINING templates (``synthetic_functional``), Indonesian and English.

Written for this project. Each list is a slot: groups, derogatory adjectives and nouns, vermin and
disease words, violent verbs in the forms the frames need, rights and places a group is denied,
swearwords and everyday situations. Pairs are (Indonesian, English).
"""

from __future__ import annotations

GROUPS = (
    ["orang cina", "etnis tionghoa", "orang kristen", "umat katolik", "kaum syiah", "orang papua",
     "orang batak", "orang madura", "orang yahudi", "jemaat ahmadiyah", "kaum gay", "kaum lgbt",
     "orang arab", "umat hindu", "umat buddha", "para pendatang", "kaum perempuan", "orang jawa",
     "orang ambon", "orang dayak", "kaum waria", "orang bugis", "umat islam", "para imigran",
     "pengungsi rohingya", "orang sunda", "orang minang", "kaum lesbi"],
    ["muslims", "jews", "christians", "black people", "mexicans", "immigrants", "refugees",
     "gay people", "lesbians", "trans people", "women", "asians", "chinese people", "arabs",
     "africans", "hindus", "catholics", "latinos", "migrants", "feminists", "indians", "pakistanis",
     "gay men", "asylum seekers", "romanians", "sikhs", "somalis", "nigerians"],
)
# Words that stand for a group without naming it (dehumanising talk often uses them).
THEY = (["mereka", "orang-orang itu", "kelompok itu", "kaum itu", "golongan mereka", "suku itu"],
        ["they", "those people", "that lot", "people like them", "their kind", "these people"])
VERMIN = (
    ["tikus", "kecoa", "babi", "monyet", "lintah", "hama", "parasit", "belatung", "kuman", "cacing",
     "anjing kurap", "benalu", "binatang", "hewan ternak", "lalat", "kutu", "ular", "serangga"],
    ["rats", "cockroaches", "pigs", "apes", "leeches", "parasites", "maggots", "germs", "vermin",
     "locusts", "dogs", "insects", "animals", "beasts", "rodents", "lice", "snakes", "termites"],
)
DISEASE = (["penyakit", "kanker", "wabah", "virus", "racun", "kotoran", "najis", "tumor"],
           ["a disease", "a cancer", "a plague", "a virus", "poison", "filth", "a tumour", "an infection"])
EXTERMINATE = (["dibasmi", "dimusnahkan", "diberantas", "disingkirkan", "dibersihkan", "dienyahkan"],
               ["exterminated", "wiped out", "eradicated", "stamped out", "purged", "driven out"])
DEROG_ADJ = (
    ["malas", "jorok", "rakus", "kasar", "bodoh", "licik", "munafik", "menjijikkan", "kotor", "kampungan",
     "primitif", "biadab", "bau", "tidak tahu diri", "serakah", "sesat", "bejat", "pemalas"],
    ["lazy", "dirty", "greedy", "violent", "stupid", "disgusting", "sick", "dishonest", "primitive",
     "backward", "sneaky", "worthless", "useless", "filthy", "vile", "treacherous", "inferior", "ignorant"],
)
DEROG_NOUN = (
    ["maling", "penipu", "pengkhianat", "teroris", "penjahat", "sampah masyarakat", "biang kerok", "perusuh",
     "tukang bikin onar", "pencuri", "pemerkosa", "pembohong", "pengemis", "orang sesat"],
    ["criminals", "thieves", "liars", "perverts", "terrorists", "freeloaders", "savages", "degenerates",
     "rapists", "crooks", "scroungers", "fanatics", "cheats", "troublemakers"],
)
DENIED_ACT = (
    ["ikut pemilu", "jadi pejabat", "punya tanah di sini", "mengajar anak-anak kita", "jadi guru",
     "membangun rumah ibadah", "tinggal di kampung ini", "buka usaha di sini", "kuliah di kampus negeri",
     "jadi polisi", "menikah dengan orang kita", "jadi pemimpin", "bekerja di kantor pemerintah",
     "menyewa rumah di sini", "jadi dokter", "masuk tentara"],
    ["sit on juries", "run for office", "own land here", "teach our children", "become teachers", "build places of worship",
     "live in this town", "open shops here", "study at our universities", "join the police", "marry our sons",
     "lead anything", "work for the government", "rent homes here", "become doctors", "serve in the army"],
)
RIGHTS = (["hak yang sama", "pekerjaan", "bantuan pemerintah", "beasiswa", "tempat di negeri ini",
           "perlindungan hukum", "kewarganegaraan", "rumah di sini"],
          ["equal rights", "jobs", "benefits", "scholarships", "a place in this country", "legal protection",
           "citizenship", "housing"])
PLACES = (["sekolah kita", "kampung ini", "kota kita", "negeri ini", "pemerintahan", "lingkungan kita",
           "kantor kita", "kompleks ini"],
          ["our schools", "this neighbourhood", "our city", "this country", "government", "our streets",
           "our workplaces", "this estate"])
# Violent verbs: Indonesian first-person forms (kubunuh), "aku akan ..." forms, passives; English
# base forms and participles.
VIOLENCE_1P: tuple[list[str], list[str]] = (["kubunuh", "kutusuk", "kubacok", "kutembak", "kuhajar", "kugorok", "kupukuli", "kuhabisi",
                "kucekik", "kulindas", "kusiksa", "kupenggal"], [])
VIOLENCE_WILL = (["membunuhmu", "menusukmu", "menembakmu", "menghajarmu", "membakar rumahmu",
                  "mematahkan kakimu", "mencekikmu", "menghancurkan mukamu", "memukulimu sampai mampus",
                  "menyeretmu ke jalan"],
                 ["kill you", "stab you", "shoot you", "beat you senseless", "torch your car",
                  "break your legs", "strangle you", "smash your face in", "gut you", "hunt you down",
                  "put you in hospital", "cut you up"])
VIOLENCE_PASSIVE = (["dibunuh", "digantung", "ditembak mati", "dibakar hidup-hidup", "dihabisi", "dipenggal",
                     "dirajam", "disiksa", "dibantai", "dicincang", "dipukuli sampai mati"],
                    ["killed", "shot", "strung up", "burned alive", "beaten to death", "lynched", "executed",
                     "stabbed", "tortured", "gunned down", "run over"])
TARGETS = (["kau", "kamu", "lu", "si penulis artikel", "wartawan itu", "admin ini", "pejabat itu",
            "keluargamu", "si pembuat artikel", "bapakmu"],
           ["you", "this journalist", "the author", "that reporter", "the editor", "this guy", "that woman",
            "the mayor", "your family", "the writer of this"])
WHEN = (["besok", "nanti malam", "minggu depan", "lain kali", "sepulang kerja", "secepatnya"],
        ["tomorrow", "tonight", "next week", "when I see you", "after work", "soon"])
SWEAR = (["anjir", "anjay", "anjrit", "buset", "sialan", "kampret", "asem", "gila", "tai", "bangke", "anjing",
          "astaga", "wanjir", "bjir"],
         ["shit", "damn", "fuck", "hell", "crap", "bloody hell", "holy crap", "fucking hell", "holy shit",
          "goddamn", "oh fuck", "shit yeah"])
GOOD = (["tendangan salto tadi mantap", "konsernya seru parah", "timnas menang lagi", "nilai ujianku bagus",
         "makanan di sini enak banget", "akhirnya jembatannya jadi", "pemandangannya indah banget",
         "filmnya bagus sekali", "gajian sudah masuk"],
        ["that was an incredible save", "the concert was amazing", "we won the cup", "I passed my exam",
         "this food is delicious", "the new library finally opened", "the view is stunning",
         "the film was brilliant", "payday came early"])
BAD = (["listrik padam lagi sore ini", "antre di bank lama sekali", "tarif parkir naik lagi",
        "laptopku hang pas presentasi", "banjir lagi di depan gang", "kereta telat setengah jam",
        "tugasku belum selesai juga", "hujan es di kota kami", "macet parah di tol",
        "harga beras naik lagi", "dompetku ketinggalan", "hpku jatuh ke got"],
       ["the power went out again", "the queue at the bank is huge", "the rent went up again",
        "my laptop froze during the meeting", "the street flooded again", "the bus is half an hour late",
        "I still haven't finished my homework", "it is hailing here", "the motorway is jammed",
        "petrol went up again", "I left my wallet at home", "I dropped my phone in a puddle"])
INSULTS = (
    ["goblok", "tolol", "bego", "bodoh", "dungu", "idiot", "bangsat", "brengsek", "kampret", "bajingan",
     "sinting", "otak udang", "anjing", "setan", "keparat", "bebal", "pecundang", "bacot"],
    ["idiot", "moron", "clown", "loser", "dumbass", "imbecile", "jerk", "fool", "asshole", "scumbag",
     "halfwit", "bastard", "creep", "twit", "numpty", "muppet", "dimwit", "prat"],
)
CONDEMN = (["tidak bisa dibenarkan", "memalukan", "jelas salah", "harus dilaporkan", "itu rasis",
            "tidak manusiawi"],
           ["is never acceptable", "is shameful", "is simply wrong", "should be reported", "is racist",
            "is inhuman"])
