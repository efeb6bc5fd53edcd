"""Printable notices: A4 PDF (reportlab, built-in CJK CID font) and PNG (pypdfium2), with a QR code."""
