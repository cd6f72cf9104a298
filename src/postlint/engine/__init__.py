"""Running rules over posts: checking one post, fixes, suppression comments, the result cache
and the process pool."""
