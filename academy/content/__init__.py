"""The curriculum: catalog and linter, Markdown blocks, front matter, the trainer studio, GIFT export."""
