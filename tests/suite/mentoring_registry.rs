//! HTTP tests of the mentoring pilot: to be written.
