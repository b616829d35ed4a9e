"""What a PDF signature is and whether it holds.

- :mod:`~pipeline.signatures.der`: DER walked by tag and length;
- :mod:`~pipeline.signatures.cms`: the CMS blob: signer, attributes, timestamp token, checks;
- :mod:`~pipeline.signatures.appearance`: the text a widget's appearance stream draws;
- :mod:`~pipeline.signatures.embedded`: the PDF side: signature fields, their dictionaries,
  coverage and what changed in later revisions.
"""
