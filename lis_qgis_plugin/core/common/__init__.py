"""What every part of core uses: the error base, cancel and progress, plain-English wording, ONS codes, plugin files."""
