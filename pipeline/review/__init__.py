"""What an archivist checks a value against: the page it was read from.

:mod:`pipeline.review.images` renders a page, or the box of one value on it, as PNG with
PyMuPDF from the source file, for ``vanthu crop`` and the review page.
"""
