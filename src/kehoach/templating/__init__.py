"""Default .docx templates: the style profile, the generator, the checker."""
