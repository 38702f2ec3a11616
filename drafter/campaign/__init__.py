"""Stage 1, load and validate: a campaign folder on disk becomes immutable model objects.

In: `evidence.yaml`, `recipients.yaml`, `asks.yaml` and `letters/*.yaml`.
Out: a `load.Campaign` (sources, snippets, recipients, signers, groups, asks) and `models.LetterSpec`s;
or a `DataError` naming the file, line and fix. Nothing here reads templates' output, people's
data from outside the campaign, or Word files.
"""
