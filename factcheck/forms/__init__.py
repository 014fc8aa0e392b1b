from factcheck.forms.claims import (
    AssignForm,
    CommentForm,
    CorrectForm,
    EvidenceForm,
    FlagForm,
    MediaFlagForm,
    NoteForm,
    TagsForm,
    VerdictForm,
)
from factcheck.forms.imports import IMPORT_FORMS, FeedForm, PasteForm, UploadForm, UrlForm

__all__ = [
    "IMPORT_FORMS",
    "AssignForm",
    "CommentForm",
    "CorrectForm",
    "EvidenceForm",
    "FeedForm",
    "FlagForm",
    "MediaFlagForm",
    "NoteForm",
    "PasteForm",
    "TagsForm",
    "UploadForm",
    "UrlForm",
    "VerdictForm",
]
