"""The language both sides share: normalisation, word cutting, the thesaurus and English
glosses, used when the index is built and when a question is read, so the two meet in one form."""
