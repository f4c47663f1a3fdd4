"""Delivering bytes: local files (atomic), HTTP and SFTP uploads."""
