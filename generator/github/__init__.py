"""The GitHub edge: the REST client with its retry budget and guards, and branch protection."""
