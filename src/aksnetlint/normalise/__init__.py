"""Normalisers: resolved resources of one format -> the common cluster model."""
