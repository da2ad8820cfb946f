"""The agent: model providers, the built-in optimizer, batch mode and the CLI."""
