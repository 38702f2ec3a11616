"""Stage 3, render and compose: templates and evidence become a `Letter`.

In: a `Campaign`, a `LetterSpec` and the selected recipients. Out: `letter.Letter`, everything a
draft says (addresses, body blocks with note markers, notes formatted by CSL, review comments),
independent of any file format.
"""
