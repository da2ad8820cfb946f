"""Prompt templates: plain text files with named placeholders, shipped as package data."""
