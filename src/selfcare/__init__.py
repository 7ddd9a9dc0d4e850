"""selfcare: a terminal self-care coach that builds, guides and logs short routines."""

__version__ = "0.1.0"
