"""Stage 5, write: file names and bytes become files on disk, safely.

In: (path, bytes) pairs. Out: files placed all or nothing, never half-written, never silently
overwritten, with names that cannot leave the output folder.
"""
