"""One file's text into a `Post`: decoding, YAML, front matter with positions, Liquid, Markdown,
prose blocks and definitions. Knows nothing of the site around the file."""
