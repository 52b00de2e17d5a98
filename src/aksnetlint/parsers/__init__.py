"""Parsers: turn a scanned file's text into a raw tree plus a source map."""
