"""Group nouns (religions, ethnicities, nationalities, genders, sexualities) in both languages.

identity_hate is hate against a GROUP, so the featuriser marks whether a comment names one:
a signal column (``signal:group_terms``) and, for texts that name a group, a copy of each other
word as a context feature ``g:<word>``. A linear head can then learn "insult + group noun" as
identity hate while the same insult with no group ("dasar anjing goblok lu") stays a plain insult.
Hand-written general vocabulary (plural and singular, normalised lowercase forms); it is a
feature, not a filter. It deliberately includes neutral words (e.g. "perempuan", "women"), and
the neutral identity-term sentences in training keep them from meaning "hate" on their own.
"""

from __future__ import annotations

_ID = """
islam muslim muslimah moslem kristen kristiani nasrani katolik protestan hindu buddha budha
konghucu yahudi ateis kafir syiah ahmadiyah
cina china tionghoa pribumi jawa batak papua madura betawi sunda minang bugis dayak
ambon arab india bule negro
perempuan wanita cewek laki pria cowok
gay lesbi lesbian homo banci bencong waria transgender lgbt
imigran pendatang pengungsi
"""
_EN = """
muslim muslims moslem moslems islam islamic christian christians catholic catholics jew jews jewish
hindu hindus buddhist buddhists atheist atheists mormon mormons
black blacks white whites asian asians chinese mexican mexicans latino latinos latinas hispanic
hispanics african africans arab arabs indian indians jap japs paki pakis immigrant immigrants
refugee refugees foreigner foreigners migrants migrant
woman women girls female females feminist feminists men
gay gays lesbian lesbians homosexual homosexuals queer queers trans transgender tranny lgbt
"""
GROUP_TERMS = frozenset((_ID + _EN).split())

