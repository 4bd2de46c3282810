"""Pure domain: templates, scoring, workflow, documents and content hashing."""
