"""The site as Jekyll 4.3 sees it, and the only reader of files other than the one being linted:
configuration, the post index and `post_url` resolution, permalinks and the URL index, the file
inventory, images and schemas. Rules ask it through `facts.SiteFacts`, which records every
question and answer: that record is what a cached result depends on."""
