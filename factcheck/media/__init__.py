"""Photos and videos: checking, thumbnails, metadata, keyframes and perceptual fingerprints.

``errors``, ``images``, ``metadata``, ``hashing``, ``index`` and ``video`` are pure Python
(functions on bytes and paths, no models); the modules that store media use them."""
