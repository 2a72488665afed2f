"""frostpage's version: part of every render cache key."""

VERSION = "0.1.0"
