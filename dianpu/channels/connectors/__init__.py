"""Pure readers and writers of other platforms' order files. No Django, no database."""
