"""Commenters' rights over their data: export, erasure, the erased-author log and key rotation."""
