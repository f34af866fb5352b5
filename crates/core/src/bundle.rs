//! Bundle file format (stub).
