"""Reading many sentences at once, with numpy: the same tokens, trigger flags and n-gram sums as ``features``
computes for one sentence, at a fraction of the cost per sentence.

The texts are joined by a separator that no token pattern crosses and tokenised in one pass; each token becomes
an id (the model's unigrams and every trigger word have one, any other token shares the "unknown" id); bigrams are
looked up as pairs of ids in a sorted array. Per sentence, what remains in Python is the rule patterns its
trigger flags call for, its named entities and its reasons.
"""

from dataclasses import dataclass

import numpy as np

from . import features, words

SEPARATOR = words.SEPARATOR


@dataclass(frozen=True)
class Index:
    """A model's terms as arrays (term i: ``names[i]``, its idf² and idf × weight, and its weight)."""

    token_ids: dict[str, int]
    hash_keys: np.ndarray  # sorted token_hashes of the tokens that have an id
    hash_ids: np.ndarray  # ... their ids
    unknown: int
    separator: int
    bits: np.ndarray  # token id -> trigger flags
    pair_keys: np.ndarray  # sorted first id * width + second id of each trigger pair of words
    pair_bits: np.ndarray  # ... its flags
    unigram_term: np.ndarray  # token id -> term, or -1
    bigram_keys: np.ndarray  # sorted first id * width + second id
    bigram_terms: np.ndarray  # ... the term of each
    width: int
    squares: np.ndarray
    products: np.ndarray
    weights: np.ndarray
    names: list[str]
    told: np.ndarray  # the terms a reason may quote (not "<num> percent": that is told as a figure)

    @classmethod
    def build(cls, terms: dict[str, tuple[float, float]]) -> "Index":
        names = list(terms)
        token_ids: dict[str, int] = {}
        for name in names:
            for token in name.split(" "):
                token_ids.setdefault(token, len(token_ids))
        for triggers in words.TRIGGERS.values():
            for trigger in sorted(triggers):
                for token in trigger.split(" "):
                    token_ids.setdefault(token, len(token_ids))
        separator = token_ids.setdefault(SEPARATOR, len(token_ids))
        unknown = len(token_ids)
        width = unknown + 1
        bits = np.zeros(width, dtype=np.int64)
        pairs: dict[int, int] = {}
        for bit, triggers in words.TRIGGERS.items():
            for trigger in triggers:
                if " " in trigger:
                    first, second = trigger.split(" ")
                    key = token_ids[first] * width + token_ids[second]
                    pairs[key] = pairs.get(key, 0) | bit
                else:
                    bits[token_ids[trigger]] |= bit
        unigram_term = np.full(width, -1, dtype=np.int64)
        keys, bigram_terms = [], []
        for i, name in enumerate(names):
            if " " in name:
                first, second = name.split(" ")
                keys.append(token_ids[first] * width + token_ids[second])
                bigram_terms.append(i)
            else:
                unigram_term[token_ids[name]] = i
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        hashes = token_hashes(b" ".join(words.token_bytes(t) for t in token_ids))
        if len(hashes) != len(token_ids) or len(np.unique(hashes)) != len(hashes):
            raise ValueError("the model's tokens do not hash apart")
        by_hash = np.argsort(hashes)
        idf = np.array([terms[n][0] for n in names], dtype=float)
        weights = np.array([terms[n][1] for n in names], dtype=float)
        return cls(
            token_ids=token_ids,
            hash_keys=hashes[by_hash],
            hash_ids=np.asarray(list(token_ids.values()), dtype=np.int64)[by_hash],
            unknown=unknown,
            separator=separator,
            bits=bits,
            pair_keys=np.array(sorted(pairs), dtype=np.int64),
            pair_bits=np.array([pairs[k] for k in sorted(pairs)], dtype=np.int64),
            unigram_term=unigram_term,
            bigram_keys=np.asarray(keys, dtype=np.int64)[order],
            bigram_terms=np.asarray(bigram_terms, dtype=np.int64)[order],
            width=width,
            squares=idf * idf,
            products=idf * weights,
            weights=weights,
            names=names,
            told=np.array(["<" not in n for n in names], dtype=bool),
        )


@dataclass(frozen=True)
class Read:
    """What a batch holds: per text its rule analysis, its n-grams' share of the log-odds, and the n-grams
    that raised it by at least ``wording_min`` (contribution, term), strongest first."""

    analyses: list[features.Analysis]
    text_logits: np.ndarray
    wording: dict[int, list[tuple[float, str]]]


def read(texts: list[str], index: Index, scored: int, wording_min: float) -> Read:
    """Analyse every text; sum the n-gram terms of the first ``scored`` texts (the rest are only context)."""
    n = len(texts)
    joined = SEPARATOR.join(texts)
    if n and joined.count(SEPARATOR) != n - 1:
        joined = SEPARATOR.join(t.replace(SEPARATOR, " ") for t in texts)
    hashes = token_hashes(words.spaced_bytes(joined).replace(b"\x00", b" \x00 "))
    at, hit = _lookup(index.hash_keys, hashes)
    ids = np.where(hit, index.hash_ids[at], index.unknown)
    is_separator = ids == index.separator
    sentence = np.cumsum(is_separator)[~is_separator]
    ids = ids[~is_separator]
    counts = np.bincount(sentence, minlength=n).tolist()
    keys = ids[:-1] * index.width + ids[1:]
    pairs = sentence[:-1] == sentence[1:]
    keys, pair_sentence = keys[pairs], sentence[:-1][pairs]
    flags = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(flags, sentence, index.bits[ids])
    at, hit = _lookup(index.pair_keys, keys)
    np.bitwise_or.at(flags, pair_sentence[hit], index.pair_bits[at[hit]])
    analyses = [features.rules(t, b, c) for t, b, c in zip(texts, flags.tolist(), counts, strict=True)]

    inside, pair_inside = sentence < scored, pair_sentence < scored
    sentence, ids, keys, pair_sentence = sentence[inside], ids[inside], keys[pair_inside], pair_sentence[pair_inside]
    unigrams = index.unigram_term[ids]
    known = unigrams >= 0
    at, hit = _lookup(index.bigram_keys, keys)
    terms_total = len(index.names)
    combined = np.concatenate(
        [
            sentence[known] * terms_total + unigrams[known],
            pair_sentence[hit] * terms_total + index.bigram_terms[at[hit]],
        ]
    )
    combined.sort()
    combined = combined[np.concatenate([[True], combined[1:] != combined[:-1]])] if len(combined) else combined
    owner, term = combined // terms_total, combined % terms_total
    squares = np.bincount(owner, weights=index.squares[term], minlength=scored)
    norm = np.sqrt(squares)
    norm[norm == 0] = 1.0
    text_logits = np.bincount(owner, weights=index.products[term], minlength=scored) / norm
    # A term moves a sentence by idf × weight / norm <= weight (the norm is at least its own idf).
    notable = (index.weights[term] >= wording_min) & index.told[term]
    owner, term = owner[notable], term[notable]
    share = index.products[term] / norm[owner]
    strong = share >= wording_min
    wording: dict[int, list[tuple[float, str]]] = {}
    for i, c, t in zip(owner[strong].tolist(), share[strong].tolist(), term[strong].tolist(), strict=True):
        wording.setdefault(i, []).append((c, index.names[t]))
    for strongest in wording.values():
        strongest.sort(reverse=True)
    return Read(analyses, text_logits, wording)


_WHITE = np.zeros(256, dtype=bool)
_WHITE[list(b" \t\n\r\x0b\x0c")] = True
_MULTIPLIER = 0x100000001B3  # odd: invertible modulo 2**64
_INVERSE = pow(_MULTIPLIER, -1, 2**64)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def token_hashes(data: bytes) -> np.ndarray:
    """A 64-bit polynomial hash of each token of ``data`` (runs of bytes between white space), in order,
    computed with numpy for all tokens at once: no Python string is made per token. Tokens are told apart by
    their hashes; the model's own tokens are checked to hash apart when its index is built."""
    a = np.frombuffer(data, dtype=np.uint8)
    if not len(a):
        return np.zeros(0, dtype=np.uint64)
    edges = np.diff(np.concatenate(([False], ~_WHITE[a], [False])).astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    powers, inverse = _powers(len(a))
    prefix = np.concatenate(([np.uint64(0)], np.cumsum((a.astype(np.uint64) + np.uint64(1)) * powers[1:])))
    return ((prefix[ends] - prefix[starts]) * inverse[starts]) * _MIX + (ends - starts).astype(np.uint64)


_POWERS: list[tuple[np.ndarray, np.ndarray]] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(M ** j, M ** -j) modulo 2 ** 64 for j = 0..n, kept for the next batch (grown when a batch is longer)."""
    if not _POWERS or len(_POWERS[0][0]) <= n:
        size = max(n + 1, 1 << 17)
        powers = np.ones(size, dtype=np.uint64)
        inverse = np.ones(size, dtype=np.uint64)
        powers[1:] = np.cumprod(np.full(size - 1, _MULTIPLIER, dtype=np.uint64))
        inverse[1:] = np.cumprod(np.full(size - 1, _INVERSE, dtype=np.uint64))
        _POWERS[:] = [(powers, inverse)]
    powers, inverse = _POWERS[0]
    return powers[: n + 1], inverse[: n + 1]


def _lookup(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position, found) of each key in the sorted keys."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return at, sorted_keys[at] == keys


def read_few(texts: list[str], terms: dict[str, tuple[float, float]], scored: int, wording_min: float) -> Read:
    """What ``read`` finds, one text at a time in plain Python: faster for a handful of texts (``read`` spends
    some 200 µs on numpy calls whatever the batch's size)."""
    analyses: list[features.Analysis] = []
    text_logits = np.zeros(scored)
    wording: dict[int, list[tuple[float, str]]] = {}
    for i, text in enumerate(texts):
        grams, analysis = features.analyse(text)
        analyses.append(analysis)
        if i >= scored:
            continue
        squares = dot = 0.0
        strong: list[tuple[float, str]] = []
        for gram in grams:
            entry = terms.get(gram)
            if entry is not None:
                squares += entry[0] * entry[0]
                dot += entry[0] * entry[1]
                if entry[1] >= wording_min and "<" not in gram:
                    strong.append((entry[0] * entry[1], gram))
        if squares:
            norm = squares**0.5
            text_logits[i] = dot / norm
            told = sorted([(c / norm, g) for c, g in strong if c / norm >= wording_min], reverse=True)
            if told:
                wording[i] = told
    return Read(analyses, text_logits, wording)
