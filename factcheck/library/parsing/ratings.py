"""Publishers' ratings to the desk's scale, only when the mapping is clear.

A rating text is normalised (accents, case, apostrophes and punctuation dropped: "Plutôt FAUX !" → "plutot faux")
and looked up in RATING_TABLE. When the whole text is not there, its leading clause is tried ("False. The photo
is from 2015." → false), unless the rest turns it ("True (but misleading)" → none); a label before a colon is
dropped ("Verdict: Mostly false"). Texts in UNCLEAR_RATINGS are known and deliberately left unmapped (satire, an
altered photo, exaggeration…). Only when the text gives nothing (empty, or unknown) does the number speak, and
only at the ends of a scale whose best and worst are both given: value == best → true, value == worst → false.
"""

import math
import re
import unicodedata
from functools import lru_cache

SLUGS = ("true", "mostly-true", "mixed", "mostly-false", "false", "misleading", "unverifiable")

_TEXTS: dict[str, tuple[str, ...]] = {
    "true": (
        "true", "correct", "accurate", "geppetto checkmark", "vrai", "exact", "verdadero", "verdadera", "cierto",
        "correcto", "verdadeiro", "verdadeira", "verdade", "correto", "wahr", "richtig", "korrekt", "vero",
        "corretto", "waar", "klopt",
    ),
    "mostly-true": (
        "mostly true", "mostly correct", "mostly accurate", "largely true", "largely accurate", "plutôt vrai",
        "globalement vrai", "mayormente verdadero", "mayormente cierto", "en su mayoría verdadero",
        "maioritariamente verdadeiro", "größtenteils richtig", "größtenteils wahr", "weitgehend richtig",
        "in gran parte vero", "per lo più vero", "grotendeels waar",
    ),
    "mixed": (
        "half true", "half truth", "mixture", "mixed", "partly true", "partially true", "partly false",
        "partially false", "à moitié vrai", "partiellement vrai", "partiellement faux", "en partie vrai",
        "en partie faux", "verdad a medias", "parcialmente verdadero", "parcialmente falso",
        "parcialmente verdadeiro", "meia verdade", "teilweise falsch", "teilweise richtig", "teilweise wahr",
        "halb wahr", "halbwahr", "parzialmente vero", "parzialmente falso", "half waar", "gedeeltelijk waar",
    ),
    "mostly-false": (
        "mostly false", "mostly incorrect", "mostly inaccurate", "largely false", "largely inaccurate",
        "plutôt faux", "globalement faux", "mayormente falso", "en su mayoría falso", "maioritariamente falso",
        "größtenteils falsch", "weitgehend falsch", "in gran parte falso", "per lo più falso",
        "grotendeels onwaar",
    ),
    "false": (
        "false", "incorrect", "pants on fire", "fake", "wrong", "four pinocchios", "4 pinocchios", "not true",
        "untrue", "not correct", "inaccurate", "totally false", "completely false", "fabricated", "hoax",
        "fake news", "faux", "fausse", "totalement faux", "falso", "falsa", "completamente falso", "bulo",
        "mentira", "boato", "falsch", "frei erfunden", "unwahr", "bufala", "onwaar", "niet waar",
    ),
    "misleading": (
        "misleading", "missing context", "lacks context", "needs context", "out of context", "false context",
        "miscaptioned", "trompeur", "trompeuse", "manque de contexte", "hors contexte", "sorti de son contexte",
        "engañoso", "engañosa", "sin contexto", "falta contexto", "falta de contexto", "fuera de contexto",
        "contexto faltante", "enganoso", "enganosa", "sem contexto", "fora de contexto", "irreführend",
        "fehlender kontext", "falscher kontext", "aus dem kontext gerissen", "fuorviante", "senza contesto",
        "manca il contesto", "fuori contesto", "misleidend",
    ),
    "unverifiable": (
        "unverifiable", "unverified", "unproven", "unsupported", "no evidence", "unsubstantiated",
        "insufficient evidence", "not proven", "cannot be verified", "can't be verified", "non vérifiable",
        "invérifiable", "non prouvé", "sans preuve", "inverificable", "no verificable", "sin evidencia",
        "sin pruebas", "não verificável", "sem provas", "sem evidências", "não comprovado", "insustentável",
        "unbelegt", "nicht belegt", "unbewiesen", "nicht überprüfbar", "non verificabile", "non dimostrato",
        "senza prove", "onbewezen",
    ),
}  # fmt: skip
_UNCLEAR = (
    "satire", "labeled satire", "labelled satire", "originated as satire", "satira", "sátira", "satirique",
    "altered", "exaggerated", "exaggeration", "exagerado", "exagéré", "outdated", "explainer", "opinion",
    "three pinocchios", "two pinocchios", "one pinocchio", "full flop", "half flip", "no flip",
    "correct attribution", "misattributed", "scam", "legend", "research in progress", "discutible",
)  # fmt: skip
# Words after a leading clause that turn it: "True (but misleading)".
_TURNS = frozenset("but however although though yet except mais pourtant pero aunque mas porem aber jedoch ma".split())
_LABEL = re.compile(
    r"^\W*(?:our |notre |nuestro |nosso |unser )?(?:verdict|rating|ruling|veredicto|verdetto|bewertung|urteil|"
    r"calificaci[oó]n|classifica[cç][aã]o|avalia[cç][aã]o)\s*[:=\-–—]\s*",
    re.I,
)
_BREAK = re.compile(r"[.!?:;(\[\n—–]|\s-\s")
_LEADS = ("this is ", "this claim is ", "the claim is ", "that is ", "thats ", "its ", "cest ")


def normalise(text: str) -> str:
    """Lower case, accents and apostrophes dropped, other punctuation made spaces, whitespace collapsed."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"['’‘`´]", "", plain)
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


RATING_TABLE: dict[str, str] = {normalise(text): slug for slug, texts in _TEXTS.items() for text in texts}
UNCLEAR_RATINGS: frozenset[str] = frozenset(normalise(text) for text in _UNCLEAR)


def _key(text: str) -> str:
    key = normalise(text)
    for lead in _LEADS:
        if key.startswith(lead) and key[len(lead) :] in RATING_TABLE:
            return key[len(lead) :]
    return key


@lru_cache(maxsize=4096)
def _lookup(text: str) -> tuple[str | None, bool]:
    """(slug, known): known is True when the text is in the table, deliberately left out of it, or turned."""
    text = _LABEL.sub("", text[:500]).strip()
    candidates = [(text, "")]
    if match := _BREAK.search(text):
        candidates.append((text[: match.start()], text[match.end() :]))
    for candidate, rest in candidates:
        key = _key(candidate)
        if key in RATING_TABLE or key in UNCLEAR_RATINGS:
            if _TURNS.intersection(normalise(rest).split()):
                return None, True
            return RATING_TABLE.get(key), True
    return None, False


def map_rating(text: str, value: float | None, best: float | None, worst: float | None) -> str | None:
    """The desk's slug for a publisher's rating, or None when the mapping is not clear."""
    slug, known = _lookup((text or "")[:500])
    if known:
        return slug
    if value is None or best is None or worst is None or math.isclose(best, worst):
        return None
    if math.isclose(value, best):
        return "true"
    if math.isclose(value, worst):
        return "false"
    return None


def rating_table_markdown() -> str:
    """RATING_TABLE as a Markdown table, one row per slug, for the README."""
    lines = [
        "| Our rating | Publishers' ratings (normalised: lower case, no accents, no punctuation) |",
        "| --- | --- |",
    ]
    for slug in SLUGS:
        texts = sorted(text for text, target in RATING_TABLE.items() if target == slug)
        lines.append(f"| `{slug}` | {', '.join(texts)} |")
    lines.append(f"| *none (not clear)* | {', '.join(sorted(UNCLEAR_RATINGS))} |")
    lines += [
        "",
        'A text not in the table is tried by its leading clause ("False. The photo is from 2015." → `false`), '
        'unless the rest turns it ("True (but misleading)" → none); a label such as "Verdict:" is dropped. '
        "When the text gives nothing, a numeric rating maps only at the ends of a scale whose best and worst "
        "are given: ratingValue = bestRating → `true`, ratingValue = worstRating → `false`; anything else → none.",
    ]
    return "\n".join(lines)
