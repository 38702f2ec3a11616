"""Stage 2, select: who a letter goes to, and how each person is addressed.

In: the campaign's recipient profiles, a letter spec's `to:`; public congressional data and
volunteers' CSV files. Out: `Recipient` lists grouped into letters (joint or one each), inside
addresses and salutations, constituents matched to their members of Congress.
"""
