"""WordprocessingML: `build` lays out a letter's parts, `oxml` holds the XML element builders,
`letterhead` checks and merges a Word letterhead, `package` zips the parts deterministically."""
