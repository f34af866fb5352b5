//! Character classes shared by indexing and querying.
