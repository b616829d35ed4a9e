"""The rules of an official letter, as data: the YAML files beside this module, loaded once
and validated by :mod:`pipeline.rules.loader`. Read by the normaliser, the readers, the
layout and OCR steps and the extractors."""

from pipeline.rules.loader import (
    MODELS,
    RULE_FILES,
    RULES_DIR,
    DocType,
    RuleError,
    Rules,
    build,
    load,
    rules,
)

__all__ = [
    "MODELS", "RULE_FILES", "RULES_DIR", "DocType", "RuleError", "Rules", "build", "load", "rules",
]
