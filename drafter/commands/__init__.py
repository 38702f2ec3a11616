"""The library functions behind each command: each runs the stages in order
(load → select → compose → build → write). No command module imports another; `cli/` wraps
each in click."""
