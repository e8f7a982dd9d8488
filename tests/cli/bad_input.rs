//! Input that cannot be read at all: exit 2, one pinned line, nothing written.
