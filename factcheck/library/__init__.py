"""The fact-check library: ours and others' ClaimReview, and matching claims against it."""
