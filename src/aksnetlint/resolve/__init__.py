"""Resolvers: turn a parsed deployment into evaluated resources (`ResolvedResource`)."""
