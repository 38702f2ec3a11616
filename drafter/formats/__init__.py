"""Stage 4, build: a composed `Letter` becomes the bytes of a file.

In: `compose.letter.Letter` (and a checked Word letterhead). Out: .docx (`docx/`, with its
`oxml` element layer), .txt and .md (`text`), .pdf (`typst/`, from the letter itself;
or `pdf`, the .docx through LibreOffice); `outputs`
makes every requested format of a list of letters in one call.
"""
