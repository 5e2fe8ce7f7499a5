"""The GitHub edge: the client with its retry budget and guards (client), what a pull request is
(facts, with the team-member cache), the comments the App owns (comments), branch protection."""
