"""Dialogs and docks: they only collect choices and run Processing algorithms."""
