"""German-aware tokens for keyword search: lower-case, Snowball stem, umlaut/ß folding.

Stemming runs before folding because the German Snowball stemmer knows umlauts; folding
afterwards makes "Großbritannien" and "Grossbritannien", "Maerz" and "März" meet.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from qa_service.spelling import fold

_WORD = re.compile(r"\w+", re.UNICODE)

STOPWORDS = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes auch auf aus bei beim bin bis bist da damit dann das dass dasselbe dazu dein
    deine dem den denn der des dessen deshalb die dies diese diesem diesen dieser dieses doch
    dort du durch ein eine einem einen einer eines einig einige er es etwas euer für gegen
    gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre im in
    indem ins ist jede jedem jeden jeder jedes jene jetzt kann kein keine können könnte machen
    man manche mein mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein
    seine sich sie sind so solche soll sollte sondern sonst über um und uns unser unter viel
    vom von vor war waren warum was weil welche welchem welchen welcher welches wenn wer werde
    werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar
    zwischen wieso weshalb wann wem wen wessen welchen hätte womit wohin woher worüber wozu
    wodurch worauf worum wovon
    a about after all also an and any are as at be been but by can could did do does for from
    had has have he her his how i if in into is it its may me more most my no not of on or
    our out over said say says she so some than that the their them then there these they
    this those to up was we were what when where which while who whom whose why will with
    would you your did does doing tell told
    """.split()
)


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("german")


@lru_cache(maxsize=200_000)
def _normalise(word: str) -> str:
    return fold(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lower-cased, folded, unstemmed words (for compound and name look-ups)."""
    return [fold(w) for w in _WORD.findall(text.lower())]


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Index/query tokens; stop words dropped unless asked for."""
    out = []
    for word in _WORD.findall(text.lower()):
        if not keep_stopwords and word in STOPWORDS:
            continue
        out.append(_normalise(word))
    return out
