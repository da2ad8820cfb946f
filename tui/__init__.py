"""The Textual app. It only consumes the agent's event stream."""
