"""The Textual user interface: thin screens and widgets over the headless domain."""
