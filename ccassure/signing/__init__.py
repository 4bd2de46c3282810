"""Identities, sign-off seals and PAdES signatures (cryptography and pyHanko live only here)."""
