"""The one error the media library raises for a file it will not keep: its message is a sentence
for the person who sent the file (shown on the page and in the API as is)."""


class MediaRefused(Exception):
    """A file was refused; ``message`` says why, in a sentence for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
