"""Import of reports already published as text, web pages or Word files."""
