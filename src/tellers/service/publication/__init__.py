"""Close, count, sign off, publish: the results pages and the self-sufficient bundle."""
