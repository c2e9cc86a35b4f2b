"""The Textual debugger: panes that read the engine's state, keys that step it."""
