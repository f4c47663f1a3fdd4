"""Renderers: reports and plans as rich text, JSON, JUnit XML and GitHub annotations. Each takes what to show and
where to write it; none reads files or the environment."""
