"""The rules of an official letter, as data: the YAML files beside this module, loaded once
and validated by :mod:`pipeline.rules.loader`. Read by the layout step and the extractors."""

from pipeline.rules.loader import RULE_FILES, DocType, RuleError, Rules, rules

__all__ = ["RULE_FILES", "DocType", "RuleError", "Rules", "rules"]
